package dev.vigil.yara.modules.dex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.dotnet.YaraDump;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dex module against {@code yara -D} on the DEX data of YARA's own dex tests and corrupted copies of it. */
class DexModuleTest {
    private static final DexModule MODULE = new DexModule();
    private static final Pattern DATA_HEX = Pattern.compile("\"data_hex\":\"([0-9a-f]+)\"");

    @TempDir
    Path tmp;

    /** The distinct inputs of the test-dex.c conformance cases. */
    static List<byte[]> samples() throws Exception {
        Path cases = Path.of(System.getProperty("vigil.shared", "../../shared"))
                .resolve("conformance/yara/cases.jsonl");
        assumeTrue(Files.isRegularFile(cases), "conformance cases absent");
        Set<String> hex = new LinkedHashSet<>();
        for (String line : Files.readAllLines(cases)) {
            if (line.contains("\"test-dex.c:")) {
                Matcher m = DATA_HEX.matcher(line);
                if (m.find()) {
                    hex.add(m.group(1));
                }
            }
        }
        List<byte[]> out = new ArrayList<>();
        for (String h : hex) {
            out.add(HexFormat.of().parseHex(h));
        }
        assumeTrue(!out.isEmpty(), "no dex inputs in the cases");
        return out;
    }

    private void assertSame(byte[] bytes, String what) throws Exception {
        Path f = tmp.resolve("sample.dex");
        Files.write(f, bytes);
        List<String> yara = YaraDump.yara("dex", f, tmp);
        assertThat(yara).isNotEmpty();
        assertThat(YaraDump.diff(yara, YaraDump.vigil(MODULE, bytes))).as(what).isEmpty();
    }

    @Test
    void conformanceSamplesMatchYara() throws Exception {
        YaraDump.assumeYara();
        for (byte[] s : samples()) {
            assertSame(s, "sample");
        }
        assertSame("not a dex file".getBytes(StandardCharsets.US_ASCII), "text");
    }

    @Test
    void corruptedSamplesMatchYara() throws Exception {
        YaraDump.assumeYara();
        Random random = new Random(5);
        for (byte[] original : samples()) {
            for (int round = 0; round < Integer.getInteger("vigil.mutationRounds", 150); round++) {
                byte[] bytes = original.clone();
                int flips = 1 + random.nextInt(4);
                for (int k = 0; k < flips; k++) {
                    int at = 8 + random.nextInt(bytes.length - 8);
                    bytes[at] = random.nextInt(3) == 0 ? (byte) (bytes[at] ^ (1 << random.nextInt(8)))
                            : (byte) random.nextInt(256);
                }
                if (random.nextInt(10) == 0) {
                    bytes = java.util.Arrays.copyOf(bytes, 0x70 + random.nextInt(bytes.length - 0x70));
                }
                assertSame(bytes, "mutant " + round);
            }
        }
    }

    /** has_method and has_class (string forms) give what yara evaluates. */
    @Test
    void functionsMatchYara() throws Exception {
        YaraDump.assumeYara();
        byte[] bytes = samples().get(0);
        StructValue v = load(bytes);
        String[] names = {"<init>", "<clinit>", "nope", "Lcom/android/tools/ir/server/AppInfo;", ""};
        StringBuilder rules = new StringBuilder("import \"dex\"\n");
        int n = 0;
        for (String a : names) {
            n = rule(rules, n, "dex.has_method(\"" + a + "\")", call(v, "has_method", 0, a));
            n = rule(rules, n, "dex.has_class(\"" + a + "\")", call(v, "has_class", 4, a));
            for (String b : names) {
                n = rule(rules, n, "dex.has_method(\"" + a + "\", \"" + b + "\")", call(v, "has_method", 1, a, b));
            }
        }
        Path rule = tmp.resolve("functions.yar");
        Path sample = tmp.resolve("sample.dex");
        Files.writeString(rule, rules);
        Files.write(sample, bytes);
        Process p = new ProcessBuilder("/usr/bin/yara", "-c", rule.toString(), sample.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(60, TimeUnit.SECONDS);
        assertThat(output).as(rules.toString()).isEqualTo(Integer.toString(n));
    }

    private static int rule(StringBuilder rules, int n, String call, Object expected) {
        String condition = expected == null ? "not defined " + call : call + " == " + expected;
        rules.append("rule r").append(n).append(" { condition: ").append(condition).append(" }\n");
        return n + 1;
    }

    private static Object call(StructValue v, String function, int overload, String... args) {
        Object[] bytes = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            bytes[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return ((ModuleFunction) v.get(function)).call(overload, bytes);
    }

    private static StructValue load(byte[] bytes) throws Exception {
        ScanInput in = ScanInput.of(bytes);
        return MODULE.load(new ModuleContext() {
            @Override
            public ScanInput input() {
                return in;
            }

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void log(String line) {
            }
        });
    }
}
