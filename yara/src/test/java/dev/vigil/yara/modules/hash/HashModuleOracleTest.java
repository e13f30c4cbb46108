package dev.vigil.yara.modules.hash;

import dev.vigil.yara.modules.FunctionCalls;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.modules.YaraOracle;
import dev.vigil.yara.modules.math.MathModuleOracleTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every hash function on ranges in and out of the data and on strings, against yara 4.5.2. */
class HashModuleOracleTest {

    @Test
    void hashesAgreeWithYara(@TempDir Path dir) throws Exception {
        YaraOracle.require();
        FunctionCalls calls = new FunctionCalls();
        List<String> functions = List.of("md5", "sha1", "sha256", "checksum32", "crc32");
        for (long offset : new long[] {-1, 0, 1, 4095, 9999, 10000, 10001}) {
            for (long length : new long[] {-1, 0, 1, 64, 65, 70000, Long.MAX_VALUE}) {
                for (String f : functions) {
                    calls.add("hash", f, 0, offset, length);
                }
            }
        }
        for (byte[] s : MathModuleOracleTest.strings()) {
            for (String f : functions) {
                calls.add("hash", f, 1, (Object) s);
            }
        }
        Map<String, YaraModule> modules = Map.of("hash", new HashModule());
        assertThat(calls.differences(dir, MathModuleOracleTest.sample(2), modules)).isEmpty();
        assertThat(calls.differences(dir, new byte[0], modules)).isEmpty();
    }
}
