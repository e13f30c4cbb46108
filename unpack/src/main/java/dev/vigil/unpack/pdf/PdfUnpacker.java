package dev.vigil.unpack.pdf;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.Emitter;
import dev.vigil.unpack.documents.OutputLimitException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * PDF (CL_TYPE_PDF): every stream, decoded through its filter chain (Flate, ASCIIHex, ASCII85, LZW, RunLength), is
 * a child (embedded files are streams too), and so is every JavaScript string ({@code /JS}), including those
 * inside object streams. Objects are found by scanning for {@code n g obj} rather than trusting the xref table, as
 * ClamAV does, so damaged and incrementally updated files are read too.
 */
public final class PdfUnpacker implements Unpacker {
    static final String TYPE = "CL_TYPE_PDF";
    /** Longest filter chain decoded; longer chains are filter loops in all but name. */
    static final int MAX_FILTERS = 16;
    private static final byte[] OBJ = "obj".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM = "stream".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JAVASCRIPT = "/JavaScript".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JS_KEY = "/JS".getBytes(StandardCharsets.US_ASCII);
    /** Keys whose referenced objects ClamAV extracts whatever their filters (a /JS reference does not count). */
    private static final byte[][] ROLE_KEYS = {"/Contents".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[] ENDOBJ = "endobj".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENDSTREAM = "endstream".getBytes(StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "pdf";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return TYPE.equals(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        Emitter out = new Emitter(sink, TYPE);
        byte[] data = out.readAll(input);
        long budget = sink.limits().maxScanSize() <= 0 ? Long.MAX_VALUE : sink.limits().maxScanSize();
        try {
            new Walk(data, out, budget).run();
        } catch (Emitter.Stopped stop) {
            // the sink has what it needs
        }
    }

    /** The state of one extraction. */
    private static final class Walk {
        private final byte[] d;
        private final Emitter out;
        private long budget;
        private Map<Long, Integer> index;
        private final java.util.Set<Long> referenced = new java.util.HashSet<>();
        /** The next {@code endobj} at or after the last object start (objects come in file order). */
        private int nextEndobj = -1;

        Walk(byte[] d, Emitter out, long budget) {
            this.d = d;
            this.out = out;
            this.budget = budget;
        }

        void run() throws IOException {
            referencedRoles();
            int pos = 0;
            while (pos < d.length) {
                int at = indexOf(d, OBJ, pos, d.length);
                if (at < 0) {
                    return;
                }
                long number = objectNumber(at);
                if (number < 0) {
                    pos = at + 3;
                    continue;
                }
                pos = object(number, at + 3);
                if (budget <= 0) {
                    out.limit("MaxScanSize", "PDF decoded data exceeds the scan size budget");
                    return;
                }
            }
        }

        /**
         * Objects that ClamAV extracts because of how they are referenced, whatever their filters: page contents
         * (the numbers in {@code /Contents}).
         */
        private void referencedRoles() {
            for (byte[] key : ROLE_KEYS) {
                int q = 0;
                for (int seen = 0; seen < 100_000; seen++) {
                    int at = indexOf(d, key, q, d.length);
                    if (at < 0) {
                        break;
                    }
                    q = at + key.length;
                    if (q < d.length && !PdfObjects.isWhite(d[q] & 0xff) && !PdfObjects.isDelimiter(d[q])) {
                        continue; // a longer name
                    }
                    PdfObjects p = new PdfObjects(d, q, Math.min(d.length, q + 256));
                    Object v = p.value();
                    for (Object o : asList(v)) {
                        if (o instanceof PdfObjects.Ref r && referenced.size() < 1_000_000) {
                            referenced.add(r.number());
                        }
                    }
                }
            }
        }

        /** The object number when {@code obj} at {@code at} ends an {@code n g obj} header, else -1. */
        private long objectNumber(int at) {
            if (at + 3 < d.length && !PdfObjects.isWhite(d[at + 3] & 0xff) && !PdfObjects.isDelimiter(d[at + 3])) {
                return -1;
            }
            int i = at - 1;
            int ws = 0;
            while (i >= 0 && PdfObjects.isWhite(d[i] & 0xff) && ws < 8) {
                i--;
                ws++;
            }
            if (ws == 0) {
                return -1;
            }
            int genEnd = i + 1;
            while (i >= 0 && d[i] >= '0' && d[i] <= '9' && genEnd - i < 8) {
                i--;
            }
            if (i + 1 == genEnd) {
                return -1;
            }
            ws = 0;
            while (i >= 0 && PdfObjects.isWhite(d[i] & 0xff) && ws < 8) {
                i--;
                ws++;
            }
            if (ws == 0) {
                return -1;
            }
            int numEnd = i + 1;
            while (i >= 0 && d[i] >= '0' && d[i] <= '9' && numEnd - i < 12) {
                i--;
            }
            if (i + 1 == numEnd) {
                return -1;
            }
            return Long.parseLong(new String(d, i + 1, numEnd - i - 1, StandardCharsets.US_ASCII));
        }

        /** Handles the object whose value starts at {@code from}; returns where scanning continues. */
        private int object(long number, int from) throws IOException {
            // The value ends at the object's endobj at the latest: an unterminated string or array cannot swallow
            // the objects behind it.
            if (nextEndobj != d.length && nextEndobj < from) {
                int e = indexOf(d, ENDOBJ, from, d.length);
                nextEndobj = e < 0 ? d.length : e;
            }
            PdfObjects p = new PdfObjects(d, from, Math.max(from, nextEndobj));
            p.rawLiterals = true;
            Object v = p.value();
            if (!(v instanceof Map<?, ?> dict)) {
                return Math.max(p.pos, from);
            }
            p.skipWhite();
            if (!startsWith(d, p.pos, STREAM)) {
                javaScript(d, from, p.pos, "obj-" + number);
                return p.pos;
            }
            int keyword = p.pos;
            int start = keyword + STREAM.length;
            // Where the data starts and ends, the way ClamAV finds them (its quirks decide the exact bytes).
            if (start + 1 < d.length && d[start] == '\r' && d[start + 1] == '\n') {
                start += 2;
                if (start + 2 < d.length && d[start] == '\n') {
                    start++;
                }
            } else if (start < d.length && d[start] == '\n') {
                start++;
            }
            int endstream = indexOf(d, ENDSTREAM, start, d.length);
            int streamSize = (endstream < 0 ? d.length : endstream) - start;
            long length = declaredLength(from, keyword);
            boolean flate = filterNames(dict).contains("FlateDecode");
            if (length > streamSize) {
                length = streamSize;
            }
            if (!flate && length == 0) {
                // ClamAV trims a final line break here, but tests the byte at object start + stream size.
                length = streamSize;
                int q = from + streamSize - 1;
                if (length > 0 && q >= 0 && q < d.length) {
                    if (d[q] == '\n') {
                        length--;
                        if (length > 0 && q - 1 >= 0 && d[q - 1] == '\r') {
                            length--;
                        }
                    } else if (d[q] == '\r') {
                        length--;
                    }
                }
            } else if (streamSize > length + 2) {
                length = streamSize;
            }
            if (length == 0) {
                length = streamSize;
            }
            if (referenced.contains(number) || dumped(dict)) {
                stream(number, dict, start, start + (int) length);
            }
            return endstream < 0 ? d.length : endstream + ENDSTREAM.length;
        }

        /**
         * ClamAV's reading of {@code /Length}: a number; when a space follows it must be a generation number
         * (else the length counts as unknown, 0), and {@code n g R} is resolved to the referenced integer.
         */
        private long declaredLength(int dictStart, int dictEnd) {
            int i = indexOf(d, "/Length".getBytes(StandardCharsets.US_ASCII), dictStart, dictEnd);
            if (i < 0) {
                return 0;
            }
            i += 7;
            while (i < dictEnd && PdfObjects.isWhite(d[i] & 0xff)) {
                i++;
            }
            long n = digits(i, dictEnd);
            if (n < 0) {
                return 0;
            }
            while (i < dictEnd && d[i] >= '0' && d[i] <= '9') {
                i++;
            }
            if (i >= dictEnd || d[i] != ' ') {
                return n;
            }
            i++;
            while (i < dictEnd && PdfObjects.isWhite(d[i] & 0xff)) {
                i++;
            }
            if (digits(i, dictEnd) < 0) {
                return 0;
            }
            while (i < dictEnd && d[i] >= '0' && d[i] <= '9') {
                i++;
            }
            if (i + 1 < dictEnd && d[i] == ' ' && d[i + 1] == 'R') {
                long v = resolveNumber(n);
                return Math.max(0, v);
            }
            return n;
        }

        private long digits(int i, int end) {
            long v = 0;
            int k = i;
            while (k < end && d[k] >= '0' && d[k] <= '9' && k - i < 18) {
                v = v * 10 + (d[k] - '0');
                k++;
            }
            return k == i ? -1 : v;
        }

        /**
         * ClamAV extracts a stream only when it has no filter, or a filter or role worth scanning (Flate, hex,
         * ASCII85, JPEG, an embedded file, JavaScript, actions); images other than JPEG are never extracted.
         */
        private static boolean dumped(Map<?, ?> dict) {
            java.util.Set<String> names = new java.util.HashSet<>();
            collectNames(dict, names, 0);
            java.util.Set<String> filters = filterNames(dict);
            boolean dct = filters.contains("DCTDecode") || filters.contains("DCT")
                    || filters.contains("JBIG2Decode");
            if (names.contains("Image") && !dct) {
                return false;
            }
            if (!dict.containsKey("Filter")) {
                return true;
            }
            return dct || filters.contains("FlateDecode") || filters.contains("ASCIIHexDecode")
                    || filters.contains("ASCII85Decode") || names.contains("EmbeddedFile")
                    || names.contains("JavaScript") || names.contains("JS") || names.contains("OpenAction")
                    || names.contains("Launch");
        }

        private static java.util.Set<String> filterNames(Map<?, ?> dict) {
            java.util.Set<String> out = new java.util.HashSet<>();
            for (Object f : asList(dict.get("Filter"))) {
                if (f instanceof String s) {
                    String c = PdfFilters.canonical(s);
                    out.add(c == null ? s : c);
                }
            }
            return out;
        }

        private static void collectNames(Object v, java.util.Set<String> out, int depth) {
            if (depth > 32) {
                return;
            }
            if (v instanceof Map<?, ?> m) {
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.add((String) e.getKey());
                    collectNames(e.getValue(), out, depth + 1);
                }
            } else if (v instanceof List<?> l) {
                for (Object o : l) {
                    collectNames(o, out, depth + 1);
                }
            } else if (v instanceof String s) {
                out.add(s);
            }
        }

        private long resolveNumber(long objectNumber) {
            if (index == null) {
                index = new HashMap<>();
                int pos = 0;
                while (true) {
                    int at = indexOf(d, OBJ, pos, d.length);
                    if (at < 0) {
                        break;
                    }
                    long n = objectNumber(at);
                    if (n >= 0) {
                        index.put(n, at + 3);
                    }
                    pos = at + 3;
                }
            }
            Integer at = index.get(objectNumber);
            if (at == null) {
                return -1;
            }
            PdfObjects p = new PdfObjects(d, at, d.length);
            return p.value() instanceof Long l ? l : -1;
        }

        private void stream(long number, Map<?, ?> dict, int start, int end) throws IOException {
            List<Object> filters = asList(dict.get("Filter"));
            if (filters.isEmpty()) {
                filters = asList(dict.get("F")); // inline-image style abbreviation
                if (!(dict.get("F") instanceof String)) {
                    filters = List.of();
                }
            }
            List<Object> parms = asList(dict.get("DecodeParms"));
            String name = "obj-" + number;
            byte[] cur = d;
            int from = start;
            int to = end;
            int applied = 0;
            for (int k = 0; k < filters.size(); k++) {
                String filter = filters.get(k) instanceof String s ? PdfFilters.canonical(s) : null;
                if (filter == null) {
                    break; // image codecs and unknown filters: the data is offered as it stands
                }
                if (applied == MAX_FILTERS) {
                    out.limit("PdfFilterChain", name + " has more than " + MAX_FILTERS + " filters");
                    break;
                }
                BoundedBuffer buf = new BoundedBuffer(Math.min(out.maxObject(), budget));
                try {
                    PdfFilters.decode(filter, cur, from, to, earlyChange(parms, k), buf);
                } catch (OutputLimitException e) {
                    out.limit(e.cap() < out.maxObject() ? "MaxScanSize" : "MaxFileSize",
                            name + " decodes to more than " + e.cap() + " bytes");
                    budget -= buf.length();
                    return;
                }
                budget -= buf.length();
                cur = buf.array();
                from = 0;
                to = buf.length();
                applied++;
            }
            if (to > from) {
                out.emit(name, cur, from, to - from);
            }
            if ("ObjStm".equals(dict.get("Type")) && applied == filters.size()) {
                objectStream(name, cur, from, to);
            }
        }

        /** Objects packed in an object stream: only their JavaScript needs extracting. */
        private void objectStream(String name, byte[] s, int from, int to) throws IOException {
            PdfObjects p = new PdfObjects(s, from, to);
            p.rawLiterals = true;
            int guard = 0;
            while (p.pos < to && guard++ < 1_000_000) {
                int before = p.pos;
                Object v = p.value();
                if (v instanceof Map<?, ?>) {
                    javaScript(s, before, p.pos, name + "/" + before);
                }
                if (p.pos == before) {
                    p.pos++;
                }
            }
        }

        /**
         * JavaScript as ClamAV finds it in an object that is not a stream: after each {@code /JavaScript} name, the
         * next {@code /JS} string (literal strings verbatim, hex strings decoded, each cut at a NUL); all strings of
         * one object are offered together.
         */
        private void javaScript(byte[] s, int from, int to, String name) throws IOException {
            BoundedBuffer js = null;
            int q = from;
            while (q < to) {
                int at = indexOf(s, JAVASCRIPT, q, to);
                if (at < 0) {
                    break;
                }
                q = at + JAVASCRIPT.length;
                int key = indexOf(s, JS_KEY, q, to);
                if (key < 0) {
                    break;
                }
                PdfObjects p = new PdfObjects(s, key + JS_KEY.length, to);
                p.rawLiterals = true;
                p.skipWhite();
                Object v = p.value();
                q = Math.max(q, p.pos);
                if (!(v instanceof byte[] b)) {
                    continue;
                }
                int n = 0;
                while (n < b.length && b[n] != 0) {
                    n++;
                }
                if (js == null) {
                    js = out.buffer();
                }
                try {
                    js.put(b, 0, n);
                } catch (OutputLimitException e) {
                    out.limit("MaxFileSize", name + " JavaScript larger than " + e.cap());
                    return;
                }
            }
            if (js != null && js.length() > 0) {
                out.emit(name + "/js", js);
            }
        }

        private static int earlyChange(List<Object> parms, int k) {
            Object p = parms.size() == 1 ? parms.get(0) : k < parms.size() ? parms.get(k) : null;
            if (p instanceof Map<?, ?> m && m.get("EarlyChange") instanceof Long l) {
                return l == 0 ? 0 : 1;
            }
            return 1;
        }

        @SuppressWarnings("unchecked")
        private static List<Object> asList(Object v) {
            if (v == null) {
                return List.of();
            }
            return v instanceof List<?> l ? (List<Object>) l : List.of(v);
        }
    }

    static boolean startsWith(byte[] d, int at, byte[] word) {
        if (at < 0 || at + word.length > d.length) {
            return false;
        }
        for (int k = 0; k < word.length; k++) {
            if (d[at + k] != word[k]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] d, byte[] word, int from, int to) {
        byte first = word[0];
        for (int i = Math.max(0, from); i + word.length <= to; i++) {
            if (d[i] == first && startsWith(d, i, word)) {
                return i;
            }
        }
        return -1;
    }
}
