package dev.vigil.yara.strings;

import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated strings and data, matched by this package and by the real {@code yara -s -L -X}; every (identifier,
 * offset, length, xor key) must agree (offset and length fix the data, which both sides read from the same file).
 */
class DifferentialYaraTest {

    private static final int RULES_PER_BATCH = 40;
    private static final int BATCHES = Integer.getInteger("vigil.diffBatches", 6);

    @TempDir
    Path dir;

    record Case(String ruleText, StringDecl decl, byte[] seed) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "xor", "base64", "hex", "regex"})
    void agreesWithYara(String feature) throws Exception {
        YaraOracle.yara();
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (int batch = 0; batch < BATCHES; batch++) {
            Random rnd = new Random(feature.hashCode() * 31L + batch);
            List<Case> cases = new ArrayList<>();
            StringBuilder rules = new StringBuilder();
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (int i = 0; i < RULES_PER_BATCH; i++) {
                Case c = switch (feature) {
                    case "text" -> text(rnd, false);
                    case "xor" -> text(rnd, true);
                    case "base64" -> base64(rnd);
                    case "hex" -> hex(rnd);
                    default -> regex(rnd);
                };
                cases.add(c);
                rules.append("rule r").append(i).append(" { strings: $a = ").append(c.ruleText)
                        .append(" condition: $a }\n");
            }
            // data: noise with the seeds of the strings planted, in several encodings
            for (int k = 0; k < 200; k++) {
                if (rnd.nextInt(4) == 0) {
                    Case c = cases.get(rnd.nextInt(cases.size()));
                    data.writeBytes(encode(rnd, c.seed));
                } else {
                    data.write(noise(rnd));
                }
            }
            byte[] bytes = data.toByteArray();
            Map<String, List<String>> expected = YaraOracle.scan(dir, rules.toString(), bytes);
            for (int i = 0; i < cases.size(); i++) {
                List<String> want = expected.getOrDefault("r" + i, List.of());
                List<String> got = new ArrayList<>();
                StringCompiler.Result compiled = StringCompiler.compile(cases.get(i).decl);
                List<String> wantWarnings = expected.getOrDefault("warning:r" + i, List.of());
                if (!wantWarnings.equals(compiled.warnings())) {
                    mismatches.add(cases.get(i).ruleText + "\n  yara warnings: " + wantWarnings + "\n  ours: "
                            + compiled.warnings());
                }
                StringMatches m = StringScanner.findAll(compiled.string(), bytes);
                for (int j = 0; j < m.count(); j++) {
                    // yara -L prints the stored data length, which is capped at 512 bytes
                    got.add("$a " + m.offset(j) + " " + Math.min(512, m.length(j)) + " " + m.xorKey(j));
                }
                compared++;
                if (!want.equals(got)) {
                    mismatches.add(cases.get(i).ruleText + "\n  yara: " + head(want) + "\n  ours: " + head(got)
                            + "\n  data: " + HexFormat.of().formatHex(bytes));
                }
            }
        }
        System.out.println(feature + ": compared " + compared + " strings, " + mismatches.size() + " differ");
        assertThat(mismatches).as(feature).isEmpty();
    }

    private static String head(List<String> l) {
        return l.size() <= 12 ? l.toString() : l.subList(0, 12) + "... (" + l.size() + ")";
    }

    private static final byte[] NOISE = "abcAB1_ x\n\0\0-".getBytes(StandardCharsets.ISO_8859_1);

    private static int noise(Random r) {
        return NOISE[r.nextInt(NOISE.length)];
    }

    private static byte[] encode(Random r, byte[] seed) {
        byte[] s = seed.clone();
        if (r.nextInt(3) == 0) {
            for (int i = 0; i < s.length; i++) {
                s[i] = (byte) (r.nextBoolean() ? Character.toUpperCase(s[i]) : s[i]);
            }
        }
        switch (r.nextInt(6)) {
            case 0 -> {
                return widen(s);
            }
            case 1 -> {
                int k = r.nextInt(256);
                byte[] w = r.nextBoolean() ? widen(s) : s;
                for (int i = 0; i < w.length; i++) {
                    w[i] ^= (byte) k;
                }
                return w;
            }
            case 2 -> {
                byte[] p = new byte[r.nextInt(3) + s.length + r.nextInt(3)];
                for (int i = 0; i < p.length; i++) {
                    p[i] = (byte) noise(r);
                }
                System.arraycopy(s, 0, p, r.nextInt(p.length - s.length + 1), s.length);
                byte[] e = Base64.getEncoder().encode(r.nextBoolean() ? widen(p) : p);
                return r.nextBoolean() ? widen(e) : e;
            }
            default -> {
                return s;
            }
        }
    }

    private static byte[] widen(byte[] s) {
        byte[] w = new byte[s.length * 2];
        for (int i = 0; i < s.length; i++) {
            w[2 * i] = s[i];
        }
        return w;
    }

    private static String escaped(byte[] s) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : s) {
            b.append(String.format("\\x%02x", x & 0xFF));
        }
        return b.append('"').toString();
    }

    private static byte[] word(Random r, String alphabet, int min, int max) {
        int n = min + r.nextInt(max - min + 1);
        byte[] s = new byte[n];
        for (int i = 0; i < n; i++) {
            s[i] = (byte) alphabet.charAt(r.nextInt(alphabet.length()));
        }
        return s;
    }

    private static Case text(Random r, boolean xor) {
        byte[] s = word(r, "abcAB1_ ", 1, 5);
        boolean nocase = !xor && r.nextInt(3) == 0;
        boolean wide = r.nextBoolean();
        boolean ascii = !wide || r.nextBoolean();
        boolean fullword = r.nextInt(3) == 0;
        int lo = 0;
        int hi = 255;
        StringBuilder mods = new StringBuilder();
        if (nocase) {
            mods.append(" nocase");
        }
        if (wide) {
            mods.append(" wide");
        }
        if (ascii && wide) {
            mods.append(" ascii");
        }
        if (xor) {
            switch (r.nextInt(3)) {
                case 0 -> mods.append(" xor");
                case 1 -> {
                    lo = hi = r.nextInt(256);
                    mods.append(" xor(").append(lo).append(')');
                }
                default -> {
                    lo = r.nextInt(200);
                    hi = lo + r.nextInt(56);
                    mods.append(" xor(").append(lo).append('-').append(hi).append(')');
                }
            }
        }
        if (fullword) {
            mods.append(" fullword");
        }
        StringModifiers m = new StringModifiers(nocase, ascii, wide, fullword, false, xor, lo, hi, false, null, false,
                null);
        return new Case(escaped(s) + mods, new StringDecl("$a", StringDecl.Kind.TEXT, s, null, false, false, m, "t", 1,
                1), s);
    }

    private static Case base64(Random r) {
        byte[] s = word(r, "abcAB1_ ", 1, 7);
        boolean b64 = r.nextBoolean();
        boolean b64w = !b64 || r.nextBoolean();
        boolean wide = r.nextInt(3) == 0;
        boolean ascii = !wide || r.nextBoolean();
        StringBuilder mods = new StringBuilder();
        if (wide) {
            mods.append(" wide");
        }
        if (ascii && wide) {
            mods.append(" ascii");
        }
        if (b64) {
            mods.append(" base64");
        }
        if (b64w) {
            mods.append(" base64wide");
        }
        StringModifiers m = new StringModifiers(false, ascii, wide, false, false, false, 0, 0, b64, null, b64w, null);
        return new Case(escaped(s) + mods, new StringDecl("$a", StringDecl.Kind.TEXT, s, null, false, false, m, "t", 1,
                1), s);
    }

    private static Case hex(Random r) {
        StringBuilder src = new StringBuilder();
        ByteArrayOutputStream seed = new ByteArrayOutputStream();
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            if (i > 0 && r.nextInt(4) == 0) {
                int a = r.nextInt(4);
                switch (r.nextInt(5)) {
                    case 0 -> src.append(" [").append(a + 1).append(']');
                    case 1 -> src.append(" [").append(a).append('-').append(a + r.nextInt(4)).append(']');
                    case 2 -> src.append(" [").append(a).append("-]");
                    case 3 -> src.append(" [-]");
                    default -> src.append(" [").append(a).append('-').append(250 + r.nextInt(10)).append(']');
                }
                for (int k = 0; k < a + 1; k++) {
                    seed.write(noise(r));
                }
            }
            int b = NOISE[r.nextInt(NOISE.length)] & 0xFF;
            switch (r.nextInt(8)) {
                case 0 -> src.append(" ??");
                case 1 -> src.append(String.format(" %x?", b >> 4));
                case 2 -> src.append(String.format(" ?%x", b & 15));
                case 3 -> {
                    int c = NOISE[r.nextInt(NOISE.length)] & 0xFF;
                    src.append(String.format(" ~%02x", c));
                    b = c == b ? b ^ 1 : b;
                }
                case 4 -> {
                    int c = NOISE[r.nextInt(NOISE.length)] & 0xFF;
                    src.append(String.format(" (%02x | %02x %02x)", b, c, b));
                }
                default -> src.append(String.format(" %02x", b));
            }
            seed.write(b);
        }
        String body = src.toString().trim();
        return new Case("{ " + body + " }", new StringDecl("$a", StringDecl.Kind.HEX, null, body, false, false,
                StringModifiers.NONE, "t", 1, 1), seed.toByteArray());
    }

    private static Case regex(Random r) {
        boolean lazy = r.nextInt(3) == 0;
        StringBuilder src = new StringBuilder();
        if (r.nextInt(8) == 0) {
            src.append('^');
        }
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            String atom = switch (r.nextInt(10)) {
                case 0 -> ".";
                case 1 -> "[ab]";
                case 2 -> "[^a\\n]";
                case 3 -> "\\w";
                case 4 -> "\\d";
                case 5 -> "(a|bc)";
                case 6 -> "\\s";
                default -> String.valueOf("abcA1".charAt(r.nextInt(5)));
            };
            src.append(atom);
            if (r.nextInt(3) == 0) {
                String q = switch (r.nextInt(6)) {
                    case 0 -> "*";
                    case 1 -> "+";
                    case 2 -> "?";
                    case 3 -> "{2}";
                    case 4 -> "{1,3}";
                    default -> "{,2}";
                };
                src.append(q);
                if (lazy) {
                    src.append('?');
                }
            }
            if (r.nextInt(10) == 0) {
                src.append("\\b");
            }
        }
        if (r.nextInt(8) == 0) {
            src.append('$');
        }
        boolean i = r.nextInt(4) == 0;
        boolean s = r.nextInt(4) == 0;
        boolean nocase = r.nextInt(5) == 0;
        boolean wide = r.nextInt(3) == 0;
        boolean ascii = !wide || r.nextBoolean();
        boolean fullword = r.nextInt(4) == 0;
        StringBuilder mods = new StringBuilder();
        if (nocase) {
            mods.append(" nocase");
        }
        if (wide) {
            mods.append(" wide");
        }
        if (ascii && wide) {
            mods.append(" ascii");
        }
        if (fullword) {
            mods.append(" fullword");
        }
        StringModifiers m = new StringModifiers(nocase, ascii, wide, fullword, false, false, 0, 0, false, null, false,
                null);
        String text = "/" + src + "/" + (i ? "i" : "") + (s ? "s" : "") + mods;
        return new Case(text, new StringDecl("$a", StringDecl.Kind.REGEX, null, src.toString(), i, s, m, "t", 1, 1),
                word(r, "abc1 ", 1, 4));
    }
}
