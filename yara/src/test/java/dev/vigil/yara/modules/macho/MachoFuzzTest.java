package dev.vigil.yara.modules.macho;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.modules.StructValue;

/** Hostile files never make the macho parser throw or hang. */
class MachoFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        MachoModule.parse(data, new StructValue());
    }
}
