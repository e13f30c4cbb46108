package dev.vigil.daemon.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming reader of multipart/form-data bodies (RFC 7578 over RFC 2046): parts come one at a time and each
 * body is a stream that ends at the next delimiter, so memory stays at one fixed buffer whatever the upload size.
 * Anything outside the format (missing closing delimiter, bad headers, header blocks over the limit) is a
 * {@link MultipartException}.
 */
final class MultipartReader {
    /** Most header lines in one part. */
    static final int MAX_PART_HEADERS = 32;
    private static final int MAX_PADDING = 256;

    private final InputStream in;
    private final byte[] delimiter;
    private final int maxHeaderBytes;
    private final byte[] buf;
    private int pos;
    private int lim;
    /** No delimiter starts in buf[pos, searchedTo): spares small reads from searching the same bytes again. */
    private int searchedTo;
    private boolean eof;
    private PartBody current;
    private boolean finished;

    /** One part: its form field name, file name (null when it has none), declared type and body. */
    record Part(String fieldName, String fileName, String contentType, InputStream body) {
        /** The name to report: the file name, else the field name, else "stream". */
        String displayName() {
            return fileName != null ? fileName : fieldName != null ? fieldName : "stream";
        }
    }

    MultipartReader(InputStream in, String boundary, int maxHeaderBytes) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.maxHeaderBytes = maxHeaderBytes;
        this.buf = new byte[Math.max(16 << 10, delimiter.length * 4)];
        // The first delimiter may start the body without a line break before it: pretend one was there.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
        current = new PartBody(); // the preamble, discarded
    }

    /** The boundary parameter of a multipart/form-data content type, validated as RFC 2046 requires. */
    static String boundary(String contentType) throws MultipartException {
        if (contentType == null) {
            throw new MultipartException("no content type");
        }
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        if (!type.equals("multipart/form-data")) {
            throw new MultipartException("not multipart/form-data: " + type);
        }
        Map<String, String> params = parameters(semi < 0 ? "" : contentType.substring(semi + 1));
        String b = params.get("boundary");
        if (b == null || b.isEmpty() || b.length() > 70 || b.endsWith(" ")) {
            throw new MultipartException("missing or bad boundary");
        }
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || "'()+_,-./:=? ".indexOf(c) >= 0;
            if (!ok) {
                throw new MultipartException("bad character in boundary");
            }
        }
        return b;
    }

    /** The next part, or null after the closing delimiter. Whatever was left of the previous part is skipped. */
    Part next() throws IOException {
        if (finished) {
            return null;
        }
        current.skipRest();
        if (finished) {
            return null;
        }
        Map<String, String> headers = readHeaders();
        String disposition = headers.get("content-disposition");
        if (disposition == null) {
            throw new MultipartException("part without Content-Disposition");
        }
        int semi = disposition.indexOf(';');
        String kind = (semi < 0 ? disposition : disposition.substring(0, semi)).strip();
        if (!kind.equalsIgnoreCase("form-data")) {
            throw new MultipartException("part disposition is not form-data");
        }
        Map<String, String> params = parameters(semi < 0 ? "" : disposition.substring(semi + 1));
        current = new PartBody();
        return new Part(params.get("name"), params.get("filename"), headers.get("content-type"), current);
    }

    /** After a delimiter: "--" ends the body; otherwise optional padding and a line break open a part. */
    private void afterDelimiter() throws IOException {
        int a = readByte();
        int b = readByte();
        if (a == '-' && b == '-') {
            finished = true; // the epilogue is never read
            return;
        }
        int padding = 0;
        while (a == ' ' || a == '\t') {
            if (++padding > MAX_PADDING) {
                throw new MultipartException("too much padding after a delimiter");
            }
            a = b;
            b = readByte();
        }
        if (a != '\r' || b != '\n') {
            throw new MultipartException("line break expected after a delimiter");
        }
    }

    private Map<String, String> readHeaders() throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        byte[] line = new byte[Math.min(maxHeaderBytes, 8 << 10)];
        int total = 0;
        while (true) {
            int len = 0;
            while (true) {
                int c = readByte();
                if (c < 0) {
                    throw new MultipartException("body ends inside part headers");
                }
                if (++total > maxHeaderBytes) {
                    throw new MultipartException("part headers longer than " + maxHeaderBytes + " bytes");
                }
                if (c == '\n') {
                    if (len == 0 || line[len - 1] != '\r') {
                        throw new MultipartException("bare line feed in part headers");
                    }
                    len--;
                    break;
                }
                if (len == line.length) {
                    line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, maxHeaderBytes + 1));
                }
                line[len++] = (byte) c;
            }
            if (len == 0) {
                return headers;
            }
            if (headers.size() >= MAX_PART_HEADERS) {
                throw new MultipartException("more than " + MAX_PART_HEADERS + " headers in a part");
            }
            String text = new String(line, 0, len, StandardCharsets.UTF_8);
            int colon = text.indexOf(':');
            if (colon <= 0 || text.charAt(0) == ' ' || text.charAt(0) == '\t') {
                throw new MultipartException("malformed part header");
            }
            String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (headers.putIfAbsent(name, text.substring(colon + 1).strip()) != null) {
                throw new MultipartException("repeated part header " + name);
            }
        }
    }

    /** Parameters after a ';': name=token or name="quoted", names lower-cased; a repeated name is refused. */
    static Map<String, String> parameters(String s) throws MultipartException {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ';')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int eq = s.indexOf('=', i);
            if (eq < 0) {
                throw new MultipartException("parameter without value");
            }
            String name = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw new MultipartException("parameter without name");
            }
            i = eq + 1;
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            String value;
            if (i < n && s.charAt(i) == '"') {
                StringBuilder v = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new MultipartException("unterminated quoted parameter");
                    }
                    char c = s.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\' && i < n) {
                        c = s.charAt(i++);
                    }
                    v.append(c);
                }
                value = v.toString();
                while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                    i++;
                }
                if (i < n && s.charAt(i) != ';') {
                    throw new MultipartException("text after a quoted parameter");
                }
            } else {
                int end = s.indexOf(';', i);
                value = (end < 0 ? s.substring(i) : s.substring(i, end)).strip();
                i = end < 0 ? n : end;
            }
            if (out.putIfAbsent(name, value) != null) {
                throw new MultipartException("repeated parameter " + name);
            }
        }
        return out;
    }

    private int readByte() throws IOException {
        if (pos == lim && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Moves the unread bytes to the front and reads more; false at the end of input. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            searchedTo = Math.max(0, searchedTo - pos);
            pos = 0;
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
            return false;
        }
        lim += n;
        return true;
    }

    /** Index of the delimiter in buf[from, to), or -1. */
    private int indexOfDelimiter(int from, int to) {
        byte first = delimiter[0];
        outer:
        for (int i = from; i <= to - delimiter.length; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The body of the current part: bytes up to the next delimiter. */
    private final class PartBody extends InputStream {
        private boolean done;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                if (lim - pos < delimiter.length && !eof) {
                    fill();
                    continue;
                }
                int at = indexOfDelimiter(Math.max(pos, searchedTo), lim);
                if (at == pos) {
                    pos += delimiter.length;
                    done = true;
                    afterDelimiter();
                    return -1;
                }
                int safe;
                if (at >= 0) {
                    safe = at;
                } else if (eof) {
                    throw new MultipartException("body ends before the closing delimiter");
                } else {
                    safe = lim - delimiter.length + 1; // a delimiter may begin in the last bytes
                    searchedTo = safe;
                }
                int n = Math.min(len, safe - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
        }

        void skipRest() throws IOException {
            byte[] sink = new byte[8192];
            while (read(sink, 0, sink.length) >= 0) {
                // discarded
            }
        }

        @Override
        public void close() {
            // the next part skips what is left; closing must not end the whole body
        }
    }
}
