package dev.vigil.yara.modules.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.modules.ModuleDump;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;

import java.io.IOException;

/**
 * Any bytes must load into elf values (and answer both functions) without an exception or a hang. Normal runs replay
 * the seeds in src/test/resources/.../ElfFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ElfFuzzTest {

    @FuzzTest(maxDuration = "120s")
    void elfModule(byte[] data) throws IOException {
        ElfModule module = new ElfModule();
        StructValue value = module.load(ElfModuleOracleTest.context(data));
        ModuleDump.flatten("elf", module.schema(), value);
        ((ModuleFunction) value.get("telfhash")).call(0, new Object[0]);
        ((ModuleFunction) value.get("import_md5")).call(0, new Object[0]);
    }
}
