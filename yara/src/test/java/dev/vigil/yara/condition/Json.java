package dev.vigil.yara.condition;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads one flat JSON object (string, number, null values) per line of the conformance file. */
final class Json {
    private final String s;
    private int p;

    private Json(String s) {
        this.s = s;
    }

    static Map<String, Object> object(String line) {
        return new Json(line).readObject();
    }

    private Map<String, Object> readObject() {
        Map<String, Object> m = new LinkedHashMap<>();
        skip();
        expect('{');
        skip();
        if (s.charAt(p) == '}') {
            return m;
        }
        while (true) {
            skip();
            String key = readString();
            skip();
            expect(':');
            skip();
            m.put(key, readValue());
            skip();
            if (s.charAt(p) == ',') {
                p++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private Object readValue() {
        char c = s.charAt(p);
        if (c == '"') {
            return readString();
        }
        if (s.startsWith("null", p)) {
            p += 4;
            return null;
        }
        int start = p;
        while (p < s.length() && "-+0123456789.eE".indexOf(s.charAt(p)) >= 0) {
            p++;
        }
        return Long.parseLong(s.substring(start, p));
    }

    private String readString() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = s.charAt(p++);
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(p++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                    p += 4;
                }
                default -> sb.append(e);
            }
        }
    }

    private void skip() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
    }

    private void expect(char c) {
        if (s.charAt(p) != c) {
            throw new IllegalArgumentException("expected " + c + " at " + p);
        }
        p++;
    }
}
