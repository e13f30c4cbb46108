package dev.vigil.unpack.mail;

import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.Emitter;
import dev.vigil.unpack.documents.OutputLimitException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Walks one mail message (or an mbox of them) held in an array and offers every decoded body part: multiparts are
 * split at their boundary (nested ones too, up to the recursion limit), {@code message/rfc822} bodies are parsed
 * as messages, leaves are decoded by their transfer encoding, and uuencoded or BinHex blocks found inside text
 * parts are decoded as parts of their own.
 */
public final class MimeParser {
    private final byte[] d;
    private final Emitter out;
    private int parts;

    public MimeParser(byte[] data, Emitter out) {
        this.d = data;
        this.out = out;
    }

    /** Parses {@code data[0, length)}: an mbox when it starts with a {@code From } line, else one message. */
    public void parseMailbox(int length) throws IOException {
        if (!TextCodecs.startsWith(d, 0, length, "From ")) {
            parseMessage(0, length, 0);
            return;
        }
        int start = 0;
        boolean previousBlank = true;
        int pos = 0;
        while (pos < length) {
            int end = TextCodecs.lineEnd(d, pos, length);
            int stop = TextCodecs.trimCr(d, pos, end);
            if (pos > start && previousBlank && TextCodecs.startsWith(d, pos, stop, "From ")) {
                parseMessage(start, pos, 0);
                start = pos;
            }
            previousBlank = stop == pos;
            pos = end + 1;
        }
        parseMessage(start, length, 0);
    }

    /** Parses one message or body part in {@code [from, to)}: headers, then the body. */
    public void parseMessage(int from, int to, int depth) throws IOException {
        if (depth > out.maxDepth()) {
            out.limit("MaxRecursion", "MIME nesting deeper than " + out.maxDepth());
            return;
        }
        MimeHeaders h = new MimeHeaders();
        int body = readHeaders(from, to, h);
        if (h.isMultipart()) {
            String boundary = h.param("boundary");
            if (boundary != null && !boundary.isEmpty() && splitMultipart(body, to, boundary, depth)) {
                return;
            }
        } else if ("message/rfc822".equals(h.type)) {
            parseMessage(body, to, depth + 1);
            return;
        }
        leaf(h, body, to);
    }

    /** Reads the header block starting at {@code from}; returns where the body starts. */
    private int readHeaders(int from, int to, MimeHeaders h) {
        int pos = from;
        StringBuilder current = null;
        boolean first = true;
        while (pos < to) {
            int end = TextCodecs.lineEnd(d, pos, to);
            int stop = TextCodecs.trimCr(d, pos, end);
            int next = Math.min(to, end + 1);
            if (stop == pos) {
                flush(current, h);
                return next;
            }
            byte b = d[pos];
            if ((b == ' ' || b == '\t') && current != null) {
                if (current.length() < MimeHeaders.MAX_HEADER) {
                    current.append(' ').append(latin1(pos, Math.min(stop, pos + MimeHeaders.MAX_HEADER)).trim());
                }
            } else if (looksLikeHeader(pos, stop) || first && TextCodecs.startsWith(d, pos, stop, "From ")) {
                flush(current, h);
                current = new StringBuilder(latin1(pos, Math.min(stop, pos + MimeHeaders.MAX_HEADER)));
            } else if (first) {
                // No header block at all: the whole range is body.
                return from;
            } else {
                flush(current, h);
                current = null;
            }
            first = false;
            pos = next;
        }
        flush(current, h);
        return to;
    }

    private static void flush(StringBuilder header, MimeHeaders h) {
        if (header != null) {
            h.add(header.toString());
        }
    }

    /** A header line: a name of printable characters (comments allowed) followed by ':'. */
    private boolean looksLikeHeader(int from, int to) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            int c = d[i] & 0xff;
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (c == ':' && depth == 0) {
                return i > from;
            } else if (depth == 0 && (c <= ' ' || c >= 127)) {
                return false;
            }
        }
        return false;
    }

    /**
     * Splits a multipart body at lines {@code --boundary}; text before the first is the preamble and text after
     * {@code --boundary--} the epilogue, neither of which is a part. Returns false when no boundary line occurs.
     */
    private boolean splitMultipart(int from, int to, String boundary, int depth) throws IOException {
        byte[] marker = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int partStart = -1;
        boolean found = false;
        int pos = from;
        while (pos < to) {
            int end = TextCodecs.lineEnd(d, pos, to);
            int stop = TextCodecs.trimCr(d, pos, end);
            int next = Math.min(to, end + 1);
            if (startsWith(pos, stop, marker)) {
                found = true;
                boolean closing = stop - pos >= marker.length + 2 && d[pos + marker.length] == '-'
                        && d[pos + marker.length + 1] == '-';
                if (partStart >= 0) {
                    parseMessage(partStart, withoutLineBreak(partStart, pos), depth + 1);
                }
                if (closing) {
                    return true;
                }
                partStart = next;
            }
            pos = next;
        }
        if (partStart >= 0 && partStart < to) {
            parseMessage(partStart, to, depth + 1);
        }
        return found;
    }

    private int withoutLineBreak(int start, int end) {
        if (end > start && d[end - 1] == '\n') {
            end--;
        }
        if (end > start && d[end - 1] == '\r') {
            end--;
        }
        return end;
    }

    private boolean startsWith(int from, int to, byte[] prefix) {
        if (to - from < prefix.length) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (d[from + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    /** Decodes a leaf body by its transfer encoding and offers it, then any encoded blocks in its text. */
    private void leaf(MimeHeaders h, int from, int to) throws IOException {
        if (from >= to) {
            return;
        }
        String enc = h.encoding == null ? "" : h.encoding;
        String name = nextName(h);
        BoundedBuffer buf = out.buffer();
        boolean text = false;
        try {
            if (enc.contains("base64")) {
                TextCodecs.base64(d, from, to, buf);
            } else if (enc.contains("quoted-printable")) {
                TextCodecs.quotedPrintable(d, from, to, buf);
                text = true;
            } else if (enc.contains("uu") && uuBlocks(from, to, name) > 0) {
                return;
            } else if (enc.contains("binhex") && binhex(from, to, name)) {
                return;
            } else {
                TextCodecs.lines(d, from, to, buf);
                text = true;
            }
        } catch (OutputLimitException e) {
            out.limit("MaxFileSize", name + " decodes to more than " + e.cap() + " bytes");
            return;
        }
        if (buf.length() > 0) {
            out.emit(name, buf);
        }
        if (text) {
            byte[] t = buf.array();
            int n = buf.length();
            // Encoded attachments pasted into text bodies (no MIME structure): ClamAV decodes these too.
            new MimeParser(t, out).embeddedBlocks(0, n, name);
        }
    }

    /** Offers the uuencoded and BinHex blocks found anywhere in {@code data[0, length)} (bare encoded files). */
    public int textBlocks(int length, String name) throws IOException {
        int n = uuBlocks(0, length, name);
        return binhex(0, length, name) ? n + 1 : n;
    }

    private void embeddedBlocks(int from, int to, String name) throws IOException {
        uuBlocks(from, to, name);
        binhex(from, to, name);
    }

    /** Decodes every {@code begin ... end} block in {@code [from, to)}; returns how many were found. */
    private int uuBlocks(int from, int to, String name) throws IOException {
        int count = 0;
        int pos = from;
        while (pos < to) {
            int end = TextCodecs.lineEnd(d, pos, to);
            int stop = TextCodecs.trimCr(d, pos, end);
            int next = Math.min(to, end + 1);
            if (TextCodecs.isUuBegin(d, pos, stop)) {
                String file = latin1(pos + 6, stop).trim();
                int sp = file.indexOf(' ');
                file = sp >= 0 ? file.substring(sp + 1) : file;
                BoundedBuffer buf = out.buffer();
                try {
                    next = TextCodecs.uudecode(d, next, to, buf);
                } catch (OutputLimitException e) {
                    out.limit("MaxFileSize", name + " uuencoded block larger than " + e.cap() + " bytes");
                    return count + 1;
                }
                count++;
                if (buf.length() > 0) {
                    out.emit(name + "/" + (file.isEmpty() ? "uu-" + count : file), buf);
                }
            }
            pos = next;
        }
        return count;
    }

    private boolean binhex(int from, int to, String name) throws IOException {
        int at = BinHex.find(d, from, to);
        if (at < 0) {
            return false;
        }
        try {
            BinHex.Forks forks = BinHex.decode(d, at + BinHex.MARKER.length(), to, out.maxObject());
            if (forks.data().length > 0) {
                out.emit(name + "/binhex-data", forks.data());
            }
            if (forks.resource().length > 0) {
                out.emit(name + "/binhex-resource", forks.resource());
            }
        } catch (OutputLimitException e) {
            out.limit("MaxFileSize", name + " BinHex data larger than " + e.cap() + " bytes");
        }
        return true;
    }

    private String nextName(MimeHeaders h) {
        parts++;
        String file = h.param("filename");
        if (file == null) {
            file = h.param("name");
        }
        return file == null || file.isBlank() ? "part-" + parts : "part-" + parts + "-" + file.replace('/', '_');
    }

    private String latin1(int from, int to) {
        return new String(d, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
    }
}
