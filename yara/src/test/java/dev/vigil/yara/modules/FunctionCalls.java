package dev.vigil.yara.modules;

import dev.vigil.yara.modules.console.CFormat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Module function calls written both as YARA source and as a direct call, so a test can compare what
 * {@code yara} logs for each with what the Java function returns, formatted the way {@code console.log} would.
 */
public final class FunctionCalls {

    /** One call: {@code module.function(arguments)} selecting overload {@code overload}. */
    public record Call(String module, String function, int overload, Object... arguments) {
        String source() {
            StringBuilder b = new StringBuilder(module).append('.').append(function).append('(');
            for (int i = 0; i < arguments.length; i++) {
                b.append(i == 0 ? "" : ", ").append(literal(arguments[i]));
            }
            return b.append(')').toString();
        }
    }

    private final List<Call> calls = new ArrayList<>();

    public FunctionCalls add(String module, String function, int overload, Object... arguments) {
        calls.add(new Call(module, function, overload, arguments));
        return this;
    }

    public int size() {
        return calls.size();
    }

    /**
     * Runs every call in yara on {@code data} and here on the loaded modules, and returns the calls whose results
     * differ, as {@code source: yara=... vigil=...} lines (empty when all agree).
     */
    public List<String> differences(Path workDir, byte[] data, Map<String, YaraModule> modules)
            throws IOException, InterruptedException {
        Path file = workDir.resolve("data.bin");
        Files.write(file, data);
        StringBuilder imports = new StringBuilder();
        Map<String, StructValue> loaded = new TreeMap<>();
        for (Map.Entry<String, YaraModule> m : modules.entrySet()) {
            imports.append("import \"").append(m.getKey()).append("\" ");
            loaded.put(m.getKey(), m.getValue().load(YaraOracle.context(data, new ArrayList<>())));
        }
        List<String> sources = calls.stream().map(Call::source).toList();
        Map<Integer, String> yara = YaraOracle.logEach(workDir, imports.toString(), sources, file);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            ModuleFunction f = (ModuleFunction) loaded.get(c.module()).get(c.function());
            String vigil = format(f.call(c.overload(), c.arguments()));
            String expected = yara.get(i);
            if (!java.util.Objects.equals(expected, vigil)) {
                differences.add(sources.get(i) + ": yara=" + expected + " vigil=" + vigil);
            }
        }
        return differences;
    }

    /** The text console.log prints for a value; null for undefined (console.log is then not called). */
    static String format(Object value) {
        return switch (value) {
            case null -> null;
            case Long l -> Long.toString(l);
            case Double d -> CFormat.fixed6(d);
            case byte[] s -> {
                StringBuilder b = new StringBuilder();
                CFormat.escape(s, b);
                yield b.toString();
            }
            default -> throw new IllegalArgumentException(value.getClass().toString());
        };
    }

    /** YARA float literals have no exponent: the exact decimal value of the double, which reads back the same. */
    public static String floatLiteral(double value) {
        String plain = new java.math.BigDecimal(value).toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    static String literal(Object argument) {
        return switch (argument) {
            case Long l -> l < 0 ? "(" + l + ")" : Long.toString(l);
            case Double d -> d < 0 ? "(-" + floatLiteral(-d) + ")" : floatLiteral(d);
            case Boolean b -> b.toString();
            case byte[] s -> {
                StringBuilder b = new StringBuilder("\"");
                for (byte x : s) {
                    int c = x & 0xff;
                    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                        b.append((char) c);
                    } else {
                        b.append(String.format("\\x%02x", c));
                    }
                }
                yield b.append('"').toString();
            }
            default -> throw new IllegalArgumentException(argument.getClass().toString());
        };
    }
}
