package dev.vigil.yara;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads ../shared/conformance/yara/cases.jsonl: flat JSON objects of strings, integers and nulls, one per line. */
final class ConformanceCases {

    record Case(String src, String kind, String rule, byte[] data, String dataFile, long expected,
                String expectedStr) {
    }

    private ConformanceCases() {
    }

    static Path dir() {
        return Path.of(System.getProperty("vigil.shared", "../shared")).resolve("conformance/yara");
    }

    static List<Case> load() throws IOException {
        List<Case> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir().resolve("cases.jsonl"))) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> m = parseObject(line);
            String hex = (String) m.get("data_hex");
            Object exp = m.get("expected");
            out.add(new Case((String) m.get("src"), (String) m.get("kind"), (String) m.get("rule"),
                    hex == null ? null : HexFormat.of().parseHex(hex), (String) m.get("data_file"),
                    exp == null ? 0 : (Long) exp, (String) m.get("expected_str")));
        }
        return out;
    }

    /** The first column of a tab-separated list with # comments. */
    static List<String> sources(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(line.split("\t", 2)[0].trim());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ a minimal JSON object reader

    static Map<String, Object> parseObject(String s) {
        int[] pos = {0};
        skip(s, pos);
        expect(s, pos, '{');
        Map<String, Object> m = new LinkedHashMap<>();
        skip(s, pos);
        if (s.charAt(pos[0]) == '}') {
            return m;
        }
        while (true) {
            skip(s, pos);
            String key = string(s, pos);
            skip(s, pos);
            expect(s, pos, ':');
            skip(s, pos);
            m.put(key, value(s, pos));
            skip(s, pos);
            char c = s.charAt(pos[0]++);
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw new IllegalArgumentException("bad JSON at " + pos[0]);
            }
        }
    }

    private static Object value(String s, int[] pos) {
        char c = s.charAt(pos[0]);
        if (c == '"') {
            return string(s, pos);
        }
        if (s.startsWith("null", pos[0])) {
            pos[0] += 4;
            return null;
        }
        if (s.startsWith("true", pos[0])) {
            pos[0] += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("false", pos[0])) {
            pos[0] += 5;
            return Boolean.FALSE;
        }
        int start = pos[0];
        while (pos[0] < s.length() && "-0123456789".indexOf(s.charAt(pos[0])) >= 0) {
            pos[0]++;
        }
        return Long.parseLong(s.substring(start, pos[0]));
    }

    private static String string(String s, int[] pos) {
        expect(s, pos, '"');
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = s.charAt(pos[0]++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(pos[0]++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(pos[0], pos[0] + 4), 16));
                    pos[0] += 4;
                }
                default -> b.append(e);
            }
        }
    }

    private static void skip(String s, int[] pos) {
        while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) {
            pos[0]++;
        }
    }

    private static void expect(String s, int[] pos, char c) {
        if (s.charAt(pos[0]++) != c) {
            throw new IllegalArgumentException("expected " + c + " at " + (pos[0] - 1));
        }
    }
}
