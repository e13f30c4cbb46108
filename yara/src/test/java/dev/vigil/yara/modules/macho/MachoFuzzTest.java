package dev.vigil.yara.modules.macho;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.modules.StructValue;
import java.util.Random;

/** Hostile files never make the macho parser throw or hang. */
class MachoFuzzTest {
    private static final byte[] FAT = MachoModuleTest.fat(new Random(1));

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        MachoModule.parse(data, new StructValue());
    }

    /** Overwrites bytes of a generated fat file, so that the fuzzer starts inside the load commands. */
    @FuzzTest(maxDuration = "60s")
    void corruptFatFile(FuzzedDataProvider fuzz) {
        byte[] data = FAT.clone();
        int edits = fuzz.consumeInt(1, 16);
        for (int i = 0; i < edits && fuzz.remainingBytes() > 0; i++) {
            data[fuzz.consumeInt(0, data.length - 1)] = fuzz.consumeByte();
        }
        MachoModule.parse(data, new StructValue());
    }
}
