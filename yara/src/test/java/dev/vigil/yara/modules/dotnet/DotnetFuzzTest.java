package dev.vigil.yara.modules.dotnet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.modules.StructValue;

/** Hostile files never make the dotnet parser throw or hang. */
class DotnetFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        DotnetModule.parse(data, new StructValue());
    }
}
