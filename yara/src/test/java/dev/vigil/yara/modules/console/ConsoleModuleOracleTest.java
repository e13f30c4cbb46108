package dev.vigil.yara.modules.console;

import dev.vigil.yara.modules.FunctionCalls;
import dev.vigil.yara.modules.YaraOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The lines console.log and console.hex print, for every overload, against yara 4.5.2's output. */
class ConsoleModuleOracleTest {

    @Test
    void linesAgreeWithYara(@TempDir Path dir) throws Exception {
        YaraOracle.require();
        // YARA source of each call, and the same call made directly
        List<String> sources = new ArrayList<>();
        List<Object[]> calls = new ArrayList<>();
        add(sources, calls, "log(\"abc\\x00\\x7f\\xff\\n\\t\\\"x\")", "log", 0, b("abc\0\u007f\u00ff\n\t\"x"));
        add(sources, calls, "log(\"\")", "log", 0, b(""));
        add(sources, calls, "log(\"pre\\x01fix: \", \"v\\x00al\")", "log", 1, b("pre\u0001fix: "),
                b("v\0al"));
        add(sources, calls, "log(\"pre\\x00cut\", \"x\")", "log", 1, b("pre\0cut"), b("x"));
        for (long v : new long[] {0, -1, 42, Long.MAX_VALUE, -Long.MAX_VALUE}) {
            String lit = v < 0 ? "(" + v + ")" : Long.toString(v);
            add(sources, calls, "log(" + lit + ")", "log", 2, v);
            add(sources, calls, "log(\"n=\", " + lit + ")", "log", 3, b("n="), v);
            add(sources, calls, "hex(" + lit + ")", "hex", 0, v);
            add(sources, calls, "hex(\"h=\", " + lit + ")", "hex", 1, b("h="), v);
        }
        double[] floats = {0.0, -0.0, 0.5, 1.0 / 3, -2.5e-7, 1e23, 123456789.0000005, 1e300, 2.5e-6, 0.0000005};
        for (double v : floats) {
            String lit = v < 0 || (v == 0 && 1 / v < 0) ? "(-" + FunctionCalls.floatLiteral(Math.abs(v)) + ")"
                    : FunctionCalls.floatLiteral(v);
            add(sources, calls, "log(" + lit + ")", "log", 4, v);
            add(sources, calls, "log(\"f=\", " + lit + ")", "log", 5, b("f="), v);
        }
        StringBuilder rules = new StringBuilder("import \"console\"\n");
        for (int i = 0; i < sources.size(); i++) {
            rules.append("rule r").append(i).append(" { condition: console.log(\"#").append(i).append("\") and console.")
                    .append(sources.get(i)).append(" }\n");
        }
        Path file = dir.resolve("data");
        Files.write(file, new byte[1]);
        List<String> yara = new ArrayList<>(Arrays.asList(YaraOracle.run(dir, rules.toString(), file).split("\n")));
        yara.removeIf(line -> line.startsWith("r") && line.endsWith(file.toString()));

        List<String> vigil = new ArrayList<>();
        var context = YaraOracle.context(new byte[1], vigil);
        var console = new ConsoleModule().load(context);
        var log = (dev.vigil.yara.modules.ModuleFunction) console.get("log");
        for (int i = 0; i < calls.size(); i++) {
            log.call(0, new Object[] {b("#" + i)});
            Object[] c = calls.get(i);
            var f = (dev.vigil.yara.modules.ModuleFunction) console.get((String) c[0]);
            f.call((Integer) c[1], Arrays.copyOfRange(c, 2, c.length));
        }
        assertThat(vigil).containsExactlyElementsOf(yara);
    }

    private static void add(List<String> sources, List<Object[]> calls, String source, String function,
            int overload, Object... arguments) {
        sources.add(source);
        Object[] call = new Object[arguments.length + 2];
        call[0] = function;
        call[1] = overload;
        System.arraycopy(arguments, 0, call, 2, arguments.length);
        calls.add(call);
    }

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
