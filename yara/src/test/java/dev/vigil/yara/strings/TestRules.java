package dev.vigil.yara.strings;

import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test-side reader for the small rules of the conformance cases: {@code rule test { strings: ... condition: ... }}
 * with a few strings. Only what these tests need; the real parser lives in the syntax package.
 */
final class TestRules {

    record Parsed(List<StringDecl> strings, String condition) {
    }

    private static final Pattern RULE = Pattern.compile(
            "^\\s*rule\\s+\\w+\\s*\\{\\s*strings:\\s*(.*?)\\s*condition:\\s*(.*?)\\s*}\\s*$", Pattern.DOTALL);

    private TestRules() {
    }

    /** Null when the rule is not of the simple shape. */
    static Parsed parse(String rule) {
        Matcher m = RULE.matcher(rule);
        if (!m.matches()) {
            return null;
        }
        String body = m.group(1);
        List<StringDecl> out = new ArrayList<>();
        int[] pos = {0};
        while (true) {
            skipSpace(body, pos);
            if (pos[0] >= body.length()) {
                break;
            }
            StringDecl d = decl(body, pos);
            if (d == null) {
                return null;
            }
            out.add(d);
        }
        return out.isEmpty() ? null : new Parsed(out, m.group(2).trim());
    }

    private static void skipSpace(String s, int[] pos) {
        while (pos[0] < s.length() && Character.isWhitespace(s.charAt(pos[0]))) {
            pos[0]++;
        }
    }

    private static StringDecl decl(String s, int[] pos) {
        Matcher id = Pattern.compile("\\$\\w*\\s*=\\s*").matcher(s);
        if (!id.find(pos[0]) || id.start() != pos[0]) {
            return null;
        }
        String identifier = s.substring(pos[0], id.end()).replaceAll("\\s*=\\s*$", "").trim();
        pos[0] = id.end();
        char c = s.charAt(pos[0]);
        StringDecl.Kind kind;
        byte[] text = null;
        String source = null;
        boolean iFlag = false;
        boolean sFlag = false;
        if (c == '"') {
            int[] end = {0};
            text = unescape(s, pos[0] + 1, end);
            if (text == null) {
                return null;
            }
            pos[0] = end[0];
            kind = StringDecl.Kind.TEXT;
        } else if (c == '{') {
            int close = s.indexOf('}', pos[0]);
            if (close < 0) {
                return null;
            }
            source = s.substring(pos[0] + 1, close);
            pos[0] = close + 1;
            kind = StringDecl.Kind.HEX;
        } else if (c == '/') {
            int i = pos[0] + 1;
            while (i < s.length() && s.charAt(i) != '/') {
                i += s.charAt(i) == '\\' ? 2 : 1;
            }
            if (i >= s.length()) {
                return null;
            }
            source = s.substring(pos[0] + 1, i);
            i++;
            while (i < s.length() && (s.charAt(i) == 'i' || s.charAt(i) == 's')) {
                iFlag |= s.charAt(i) == 'i';
                sFlag |= s.charAt(i) == 's';
                i++;
            }
            pos[0] = i;
            kind = StringDecl.Kind.REGEX;
        } else {
            return null;
        }
        StringModifiers mods = modifiers(s, pos);
        if (mods == null) {
            return null;
        }
        return new StringDecl(identifier, kind, text, source, iFlag, sFlag, mods, "test", 1, 1);
    }

    private static StringModifiers modifiers(String s, int[] pos) {
        boolean nocase = false;
        boolean ascii = false;
        boolean wide = false;
        boolean fullword = false;
        boolean priv = false;
        boolean xor = false;
        int xorMin = 0;
        int xorMax = 255;
        boolean b64 = false;
        boolean b64w = false;
        byte[] alpha = null;
        byte[] alphaW = null;
        Pattern word = Pattern.compile("\\s*(nocase|ascii|wide|fullword|private|xor|base64wide|base64)\\b");
        while (true) {
            Matcher m = word.matcher(s);
            m.region(pos[0], s.length());
            if (!m.lookingAt()) {
                break;
            }
            pos[0] = m.end();
            switch (m.group(1)) {
                case "nocase" -> nocase = true;
                case "ascii" -> ascii = true;
                case "wide" -> wide = true;
                case "fullword" -> fullword = true;
                case "private" -> priv = true;
                case "xor" -> {
                    xor = true;
                    Matcher r = Pattern.compile("\\s*\\(\\s*(\\w+)\\s*(?:-\\s*(\\w+)\\s*)?\\)").matcher(s);
                    r.region(pos[0], s.length());
                    if (r.lookingAt()) {
                        xorMin = Integer.decode(r.group(1));
                        xorMax = r.group(2) == null ? xorMin : Integer.decode(r.group(2));
                        pos[0] = r.end();
                    }
                }
                default -> {
                    boolean w = m.group(1).equals("base64wide");
                    if (w) {
                        b64w = true;
                    } else {
                        b64 = true;
                    }
                    Matcher r = Pattern.compile("\\s*\\(\\s*\"").matcher(s);
                    r.region(pos[0], s.length());
                    if (r.lookingAt()) {
                        int[] end = {0};
                        byte[] a = unescape(s, r.end(), end);
                        Matcher close = Pattern.compile("\\s*\\)").matcher(s);
                        close.region(end[0], s.length());
                        if (a == null || !close.lookingAt()) {
                            return null;
                        }
                        pos[0] = close.end();
                        if (w) {
                            alphaW = a;
                        } else {
                            alpha = a;
                        }
                    }
                }
            }
        }
        if (!ascii && !wide) {
            ascii = true;
        }
        return new StringModifiers(nocase, ascii, wide, fullword, priv, xor, xorMin, xorMax, b64, alpha, b64w, alphaW);
    }

    /** Text string escapes of YARA: \" \\ \t \n \r \xNN. Returns null on anything else. */
    static byte[] unescape(String s, int from, int[] end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                end[0] = i + 1;
                return out.toByteArray();
            }
            if (c == '\\') {
                if (i + 1 >= s.length()) {
                    return null;
                }
                char e = s.charAt(i + 1);
                switch (e) {
                    case '"', '\\' -> out.write(e);
                    case 't' -> out.write('\t');
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 'x' -> {
                        if (i + 3 >= s.length()) {
                            return null;
                        }
                        out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                        i += 2;
                    }
                    default -> {
                        return null;
                    }
                }
                i += 2;
            } else {
                out.write(c);
                i++;
            }
        }
        return null;
    }

    /** One JSON object per line with string / number / null values only (the cases file). */
    static Map<String, Object> json(String line) {
        Map<String, Object> map = new LinkedHashMap<>();
        int i = line.indexOf('{') + 1;
        while (true) {
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
                i++;
            }
            if (i >= line.length() || line.charAt(i) == '}') {
                return map;
            }
            int[] end = {0};
            String key = jsonString(line, i, end);
            i = end[0];
            while (line.charAt(i) == ' ' || line.charAt(i) == ':') {
                i++;
            }
            char c = line.charAt(i);
            if (c == '"') {
                map.put(key, jsonString(line, i, end));
                i = end[0];
            } else {
                int j = i;
                while (j < line.length() && line.charAt(j) != ',' && line.charAt(j) != '}') {
                    j++;
                }
                String v = line.substring(i, j).trim();
                map.put(key, v.equals("null") ? null : Long.parseLong(v));
                i = j;
            }
        }
    }

    private static String jsonString(String s, int at, int[] end) {
        StringBuilder b = new StringBuilder();
        int i = at + 1;
        while (s.charAt(i) != '"') {
            char c = s.charAt(i);
            if (c == '\\') {
                char e = s.charAt(i + 1);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
                i += 2;
            } else {
                b.append(c);
                i++;
            }
        }
        end[0] = i + 1;
        return b.toString();
    }

    static byte[] hex(String h) {
        return h == null ? "dummy".getBytes(java.nio.charset.StandardCharsets.US_ASCII) : HexFormat.of().parseHex(h);
    }
}
