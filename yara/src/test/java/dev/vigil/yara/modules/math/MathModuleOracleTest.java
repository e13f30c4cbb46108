package dev.vigil.yara.modules.math;

import dev.vigil.yara.modules.FunctionCalls;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.modules.YaraOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Every math function, on many ranges in and out of the data, against yara 4.5.2's own results. */
public class MathModuleOracleTest {

    static final long[] POINTS = {-1, 0, 1, 5, 6, 7, 100, 4095, 4096, 4097, 9999, 10000, 10001, 20000,
            Long.MAX_VALUE};
    private static final byte[][] STRINGS = {new byte[0], "a".getBytes(StandardCharsets.US_ASCII),
            "abcdef".getBytes(StandardCharsets.US_ASCII),
            "Hello, world! 0123456789".getBytes(StandardCharsets.US_ASCII),
            {0, (byte) 0xff, 0x10, (byte) 0x80, 0, 0, 0, 1, 2, 3, 4, 5, 6}, new byte[300]};

    public static byte[][] strings() {
        return STRINGS.clone();
    }

    public static byte[] sample(long seed) {
        Random random = new Random(seed);
        byte[] data = new byte[10000];
        random.nextBytes(data);
        for (int i = 2000; i < 5000; i++) {
            data[i] = (byte) (i % 7 == 0 ? random.nextInt(4) : 'A' + (i % 26));
        }
        return data;
    }

    @Test
    void rangeAndStringFunctionsAgreeWithYara(@TempDir Path dir) throws Exception {
        YaraOracle.require();
        FunctionCalls calls = new FunctionCalls();
        for (long offset : POINTS) {
            for (long length : POINTS) {
                calls.add("math", "entropy", 0, offset, length);
                calls.add("math", "mean", 0, offset, length);
                calls.add("math", "deviation", 0, offset, length, 127.5);
                calls.add("math", "serial_correlation", 0, offset, length);
                calls.add("math", "monte_carlo_pi", 0, offset, length);
                calls.add("math", "mode", 0, offset, length);
                calls.add("math", "count", 0, 65L, offset, length);
                calls.add("math", "percentage", 0, 0L, offset, length);
            }
        }
        for (long value : new long[] {-1, 0, 1, 65, 255, 256}) {
            calls.add("math", "count", 1, value);
            calls.add("math", "percentage", 1, value);
            calls.add("math", "count", 0, value, 0L, 100L);
        }
        calls.add("math", "mode", 1);
        for (byte[] s : STRINGS) {
            calls.add("math", "entropy", 1, (Object) s);
            calls.add("math", "mean", 1, (Object) s);
            calls.add("math", "deviation", 1, s, 64.25);
            calls.add("math", "serial_correlation", 1, (Object) s);
            calls.add("math", "monte_carlo_pi", 1, (Object) s);
        }
        long[] numbers = {0, 1, -1, 7, -7, 255, Long.MAX_VALUE, -Long.MAX_VALUE, 0x7fff_ffffL};
        for (long a : numbers) {
            calls.add("math", "abs", 0, a);
            calls.add("math", "to_string", 0, a);
            for (long base : new long[] {8, 10, 16, 2, 0, -1}) {
                calls.add("math", "to_string", 1, a, base);
            }
            for (long b : numbers) {
                calls.add("math", "min", 0, a, b);
                calls.add("math", "max", 0, a, b);
            }
        }
        calls.add("math", "to_number", 0, true).add("math", "to_number", 0, false);
        for (double t : new double[] {-1.5, 0.0, 1.0, 2.5, 3.0}) {
            calls.add("math", "in_range", 0, t, 0.0, 2.5);
        }
        Map<String, YaraModule> modules = Map.of("math", new MathModule());
        assertThat(calls.differences(dir, sample(1), modules)).isEmpty();
        assertThat(calls.differences(dir, new byte[0], modules)).isEmpty();
        assertThat(calls.differences(dir, java.nio.file.Files.readAllBytes(Path.of("/usr/bin/yara")), modules))
                .isEmpty();
    }
}
