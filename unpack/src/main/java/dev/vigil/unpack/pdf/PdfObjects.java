package dev.vigil.unpack.pdf;

import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.OutputLimitException;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small reader of PDF object syntax (numbers, names with {@code #xx} escapes, strings, arrays, dictionaries,
 * references) over an array. Nesting and container sizes are bounded; anything unreadable ends the value.
 */
final class PdfObjects {
    /** An indirect reference {@code n g R}. */
    record Ref(long number, long generation) {
    }

    /** A keyword or unknown token (true, false, null, stream, ...). */
    record Keyword(String word) {
    }

    private static final int MAX_DEPTH = 32;
    private static final int MAX_ITEMS = 100_000;

    private final byte[] d;
    private final int end;
    int pos;

    PdfObjects(byte[] data, int from, int to) {
        this.d = data;
        this.pos = from;
        this.end = to;
    }

    static boolean isWhite(int b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == '\f' || b == 0;
    }

    static boolean isDelimiter(int b) {
        return b == '(' || b == ')' || b == '<' || b == '>' || b == '[' || b == ']' || b == '{' || b == '}'
                || b == '/' || b == '%';
    }

    void skipWhite() {
        while (pos < end) {
            int b = d[pos] & 0xff;
            if (isWhite(b)) {
                pos++;
            } else if (b == '%') {
                while (pos < end && d[pos] != '\n' && d[pos] != '\r') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    /** Reads one value; returns null at the end or at a token that is not a value ({@code >>}, {@code ]}). */
    Object value() {
        return value(0);
    }

    private Object value(int depth) {
        skipWhite();
        if (pos >= end || depth > MAX_DEPTH) {
            return null;
        }
        int b = d[pos] & 0xff;
        switch (b) {
            case '/':
                return name();
            case '(':
                return literalString();
            case '<':
                if (pos + 1 < end && d[pos + 1] == '<') {
                    pos += 2;
                    return dictionary(depth);
                }
                return hexString();
            case '[':
                pos++;
                return array(depth);
            case '>':
            case ']':
            case ')':
            case '}':
                return null;
            default:
                break;
        }
        if (b == '+' || b == '-' || b == '.' || (b >= '0' && b <= '9')) {
            return numberOrRef();
        }
        int start = pos;
        while (pos < end && !isWhite(d[pos] & 0xff) && !isDelimiter(d[pos] & 0xff)) {
            pos++;
        }
        if (pos == start) {
            pos++;
        }
        return new Keyword(new String(d, start, pos - start, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private Map<String, Object> dictionary(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        while (map.size() < MAX_ITEMS) {
            skipWhite();
            if (pos >= end) {
                break;
            }
            if (d[pos] == '>') {
                pos += pos + 1 < end && d[pos + 1] == '>' ? 2 : 1;
                break;
            }
            if (d[pos] != '/') {
                // Malformed entry: skip the token and carry on.
                Object junk = value(depth + 1);
                if (junk == null) {
                    pos++;
                }
                continue;
            }
            String key = name();
            Object v = value(depth + 1);
            if (v != null) {
                map.put(key, v);
            }
        }
        return map;
    }

    private List<Object> array(int depth) {
        List<Object> list = new ArrayList<>();
        while (list.size() < MAX_ITEMS) {
            skipWhite();
            if (pos >= end) {
                break;
            }
            if (d[pos] == ']') {
                pos++;
                break;
            }
            int before = pos;
            Object v = value(depth + 1);
            if (v == null) {
                pos = Math.max(pos, before + 1);
                continue;
            }
            list.add(v);
        }
        return list;
    }

    /** A name without its slash, {@code #xx} escapes decoded. */
    String name() {
        pos++;
        StringBuilder s = new StringBuilder();
        while (pos < end) {
            int b = d[pos] & 0xff;
            if (isWhite(b) || isDelimiter(b)) {
                break;
            }
            if (b == '#' && pos + 2 < end && PdfFilters.hexDigit(d[pos + 1]) >= 0 && PdfFilters.hexDigit(d[pos + 2]) >= 0) {
                s.append((char) (PdfFilters.hexDigit(d[pos + 1]) << 4 | PdfFilters.hexDigit(d[pos + 2])));
                pos += 3;
                continue;
            }
            s.append((char) b);
            pos++;
        }
        return s.toString();
    }

    private Object numberOrRef() {
        long n = number();
        int save = pos;
        if (n >= 0) {
            // "n g R"?
            skipWhite();
            int g0 = pos;
            while (pos < end && d[pos] >= '0' && d[pos] <= '9') {
                pos++;
            }
            if (pos > g0 && pos - g0 < 10) {
                long g = Long.parseLong(new String(d, g0, pos - g0, java.nio.charset.StandardCharsets.US_ASCII));
                skipWhite();
                if (pos < end && d[pos] == 'R' && (pos + 1 >= end || isWhite(d[pos + 1] & 0xff)
                        || isDelimiter(d[pos + 1] & 0xff))) {
                    pos++;
                    return new Ref(n, g);
                }
            }
        }
        pos = save;
        return n;
    }

    /** An integer (a real's fraction is dropped; only lengths and counts matter here). */
    long number() {
        boolean negative = false;
        if (pos < end && (d[pos] == '+' || d[pos] == '-')) {
            negative = d[pos] == '-';
            pos++;
        }
        long v = 0;
        while (pos < end && d[pos] >= '0' && d[pos] <= '9') {
            if (v < Long.MAX_VALUE / 20) {
                v = v * 10 + (d[pos] - '0');
            }
            pos++;
        }
        if (pos < end && d[pos] == '.') {
            pos++;
            while (pos < end && d[pos] >= '0' && d[pos] <= '9') {
                pos++;
            }
        }
        return negative ? -v : v;
    }

    /** When set, literal strings come back as their raw bytes between the parentheses (ClamAV's JS dump). */
    boolean rawLiterals;

    private byte[] literalString() {
        if (rawLiterals) {
            return rawLiteral();
        }
        pos++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int depth = 1;
        while (pos < end) {
            int b = d[pos++] & 0xff;
            if (b == '\\' && pos < end) {
                int c = d[pos++] & 0xff;
                switch (c) {
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case '\r' -> {
                        if (pos < end && d[pos] == '\n') {
                            pos++;
                        }
                    }
                    case '\n' -> {
                    }
                    default -> {
                        if (c >= '0' && c <= '7') {
                            int v = c - '0';
                            for (int k = 0; k < 2 && pos < end && d[pos] >= '0' && d[pos] <= '7'; k++) {
                                v = v * 8 + (d[pos++] - '0');
                            }
                            out.write(v & 0xff);
                        } else {
                            out.write(c);
                        }
                    }
                }
                continue;
            }
            if (b == '(') {
                depth++;
            } else if (b == ')' && --depth == 0) {
                break;
            }
            out.write(b);
        }
        return out.toByteArray();
    }

    private byte[] rawLiteral() {
        int start = ++pos;
        int depth = 1;
        while (pos < end) {
            int b = d[pos++] & 0xff;
            if (b == '\\') {
                pos++;
            } else if (b == '(') {
                depth++;
            } else if (b == ')' && --depth == 0) {
                return java.util.Arrays.copyOfRange(d, start, pos - 1);
            }
        }
        return java.util.Arrays.copyOfRange(d, start, Math.min(pos, end));
    }

    private byte[] hexString() {
        int start = ++pos;
        while (pos < end && d[pos] != '>') {
            pos++;
        }
        int stop = pos;
        if (pos < end) {
            pos++;
        }
        // Two hex digits per byte: the buffer's cap is never reached.
        BoundedBuffer out = new BoundedBuffer(stop - start + 1L);
        try {
            PdfFilters.asciiHex(d, start, stop, out);
        } catch (OutputLimitException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
