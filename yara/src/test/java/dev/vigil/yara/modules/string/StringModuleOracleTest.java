package dev.vigil.yara.modules.string;

import dev.vigil.yara.modules.FunctionCalls;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.modules.YaraOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** string.to_int's strtoll corner cases and string.length, against yara 4.5.2. */
class StringModuleOracleTest {

    @Test
    void toIntAndLengthAgreeWithYara(@TempDir Path dir) throws Exception {
        YaraOracle.require();
        String[] inputs = {"", "0", "1", "-1", "+1", " 12", "\t\n 7", "12 ", "0x", "0x1f", "0X1F", "-0x1f", "+0x1f",
                "0x1g", "0777", "08", "0b101", "z", "Zz", "1z", "9223372036854775807", "9223372036854775808",
                "-9223372036854775808", "-9223372036854775809", "99999999999999999999999", "12\0ab", "\0", "-",
                "- 1", "0x-1", "1_000", "1e3", "0xffffffffffffffff", "7fffffffffffffff", "0x 1"};
        FunctionCalls calls = new FunctionCalls();
        for (String input : inputs) {
            byte[] s = input.getBytes(StandardCharsets.ISO_8859_1);
            calls.add("string", "to_int", 0, (Object) s);
            calls.add("string", "length", 0, (Object) s);
            for (long base : new long[] {0, 1, 2, 8, 10, 16, 36, 37, -1}) {
                calls.add("string", "to_int", 1, s, base);
            }
        }
        Map<String, YaraModule> modules = Map.of("string", new StringModule());
        assertThat(calls.differences(dir, new byte[] {1, 2, 3}, modules)).isEmpty();
    }
}
