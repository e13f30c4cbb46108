package dev.vigil.yara.modules.dex;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.modules.StructValue;

/** Hostile files never make the dex parser throw or hang. */
class DexFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        DexModule.parse(data, new StructValue());
    }
}
