package dev.vigil.yara.modules.tests;

import dev.vigil.yara.modules.ModuleDump;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.YaraOracle;
import dev.vigil.yara.modules.FunctionCalls;
import dev.vigil.yara.modules.time.TimeModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TestsModuleTest {

    @Test
    void valuesAgreeWithYaraDump(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data");
        Files.write(file, new byte[] {1});
        String dump = YaraOracle.run(dir, "import \"tests\" rule a { condition: true }", file, "-D");
        TestsModule module = new TestsModule();
        StructValue value = module.load(YaraOracle.context(new byte[] {1}, new ArrayList<>()));
        assertThat(ModuleDump.flatten("tests", module.schema(), value))
                .isNotEmpty()
                .containsExactlyElementsOf(ModuleDump.flattenYaraOutput(dump));
    }

    @Test
    void functionsAgreeWithYara(@TempDir Path dir) throws Exception {
        YaraOracle.require();
        FunctionCalls calls = new FunctionCalls()
                .add("tests", "isum", 0, 1L, 2L).add("tests", "isum", 1, 1L, 2L, 3L)
                .add("tests", "isum", 0, Long.MAX_VALUE, 1L)
                .add("tests", "fsum", 0, 1.0, 2.0).add("tests", "fsum", 1, 0.1, 0.2, 0.3)
                .add("tests", "length", 0, (Object) "dummy\0x".getBytes())
                .add("tests", "empty", 0).add("tests", "foobar", 0, 1L).add("tests", "foobar", 0, 2L)
                .add("tests", "foobar", 0, 3L);
        assertThat(calls.differences(dir, new byte[] {1}, Map.of("tests", new TestsModule()))).isEmpty();
    }

    @Test
    void timeNowIsTheCurrentUnixTime() {
        ModuleFunction now = (ModuleFunction) new TimeModule().load(null).get("now");
        long before = System.currentTimeMillis() / 1000;
        long value = (Long) now.call(0, new Object[0]);
        long after = System.currentTimeMillis() / 1000;
        assertThat(value).isBetween(before, after);
    }
}
