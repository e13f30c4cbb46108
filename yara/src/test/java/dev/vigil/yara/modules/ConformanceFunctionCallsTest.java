package dev.vigil.yara.modules;

import dev.vigil.yara.modules.math.MathModule;
import dev.vigil.yara.modules.string.StringModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The math and string function calls in YARA's own test cases (test-math.c, test-string.c), each made on its case's
 * data, must return what yara 4.5.2 returns for the same call. Calls whose arguments are not plain literals
 * (e.g. {@code @a - @b}) are left to the rule-level conformance run.
 */
class ConformanceFunctionCallsTest {

    /** module.function(arguments), where the arguments hold no parentheses outside string literals. */
    private static final Pattern CALL = Pattern.compile(
            "\\b(math|string)\\.(\\w+)\\(((?:[^()\"]|\"(?:[^\"\\\\]|\\\\.)*\")*)\\)");

    @Test
    void callsInYaraTestsAgreeWithYara(@TempDir Path dir) throws Exception {
        YaraOracle.require();
        Path cases = Path.of(System.getProperty("vigil.shared", "../shared"), "conformance/yara/cases.jsonl");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(cases), "conformance cases absent");
        Map<String, YaraModule> modules = Map.of("math", new MathModule(), "string", new StringModule());
        int calls = 0;
        List<String> differences = new ArrayList<>();
        int caseIndex = 0;
        for (String line : Files.readAllLines(cases)) {
            if (!line.contains("\"test-math.c:") && !line.contains("\"test-string.c:")) {
                continue;
            }
            String rule = jsonString(line, "rule");
            String dataHex = jsonString(line, "data_hex");
            byte[] data = dataHex == null ? new byte[0] : HexFormat.of().parseHex(dataHex);
            FunctionCalls batch = new FunctionCalls();
            Matcher m = CALL.matcher(rule);
            while (m.find()) {
                List<Object> arguments = arguments(m.group(3));
                if (arguments == null) {
                    continue;
                }
                Type.Function f = (Type.Function) modules.get(m.group(1)).schema().field(m.group(2));
                int overload = overload(f, arguments);
                if (overload >= 0) {
                    batch.add(m.group(1), m.group(2), overload, arguments.toArray());
                }
            }
            if (batch.size() > 0) {
                calls += batch.size();
                differences.addAll(batch.differences(Files.createDirectories(dir.resolve("c" + caseIndex++)), data,
                        modules));
            }
        }
        assertThat(calls).isGreaterThan(50);
        assertThat(differences).isEmpty();
    }

    private static int overload(Type.Function f, List<Object> arguments) {
        StringBuilder letters = new StringBuilder();
        for (Object a : arguments) {
            letters.append(a instanceof Long ? 'i' : a instanceof Double ? 'f' : 's');
        }
        for (int i = 0; i < f.overloads().size(); i++) {
            if (f.overloads().get(i).arguments().contentEquals(letters)) {
                return i;
            }
        }
        return -1;
    }

    /** Literal arguments (integers, floats, strings), or null when any argument is an expression. */
    private static List<Object> arguments(String text) {
        List<Object> out = new ArrayList<>();
        if (text.isBlank()) {
            return out;
        }
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (text.charAt(i) == '"') {
                ByteArrayOutputStream s = new ByteArrayOutputStream();
                i++;
                while (text.charAt(i) != '"') {
                    char c = text.charAt(i++);
                    if (c == '\\') {
                        char e = text.charAt(i++);
                        switch (e) {
                            case 'x' -> {
                                s.write(Integer.parseInt(text.substring(i, i + 2), 16));
                                i += 2;
                            }
                            case 'n' -> s.write('\n');
                            case 't' -> s.write('\t');
                            default -> s.write(e);
                        }
                    } else {
                        s.write(c);
                    }
                }
                i++;
                out.add(s.toByteArray());
            } else {
                int end = text.indexOf(',', i);
                String token = (end < 0 ? text.substring(i) : text.substring(i, end)).trim();
                i = end < 0 ? text.length() : end;
                try {
                    if (token.matches("-?\\d+\\.\\d+")) {
                        out.add(Double.parseDouble(token));
                    } else if (token.matches("-?0x[0-9a-fA-F]+")) {
                        boolean negative = token.startsWith("-");
                        long v = Long.parseLong(token.substring(negative ? 3 : 2), 16);
                        out.add(negative ? -v : v);
                    } else if (token.matches("-?\\d+")) {
                        out.add(Long.parseLong(token));
                    } else {
                        return null;
                    }
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
        return out;
    }

    /** The value of a top-level string field of a one-line JSON object (enough for cases.jsonl). */
    private static String jsonString(String json, String field) {
        String key = "\"" + field + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            return null;
        }
        int p = at + key.length();
        while (json.charAt(p) == ' ') {
            p++;
        }
        if (json.charAt(p) != '"') {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (p++; json.charAt(p) != '"'; p++) {
            char c = json.charAt(p);
            if (c == '\\') {
                char e = json.charAt(++p);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(json.substring(p + 1, p + 5), 16));
                        p += 4;
                    }
                    default -> b.append(e);
                }
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
