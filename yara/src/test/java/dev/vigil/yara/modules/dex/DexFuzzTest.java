package dev.vigil.yara.modules.dex;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.modules.StructValue;
import java.util.List;

/** Hostile files never make the dex parser throw or hang. */
class DexFuzzTest {
    private static byte[] sample;

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        DexModule.parse(data, new StructValue());
    }

    /** Overwrites bytes of the DEX file of YARA's tests, so that the fuzzer starts inside the tables. */
    @FuzzTest(maxDuration = "60s")
    void corruptDex(FuzzedDataProvider fuzz) throws Exception {
        byte[] data = sample().clone();
        if (data.length == 0) {
            return;
        }
        int edits = fuzz.consumeInt(1, 16);
        for (int i = 0; i < edits && fuzz.remainingBytes() > 0; i++) {
            data[fuzz.consumeInt(8, data.length - 1)] = fuzz.consumeByte();
        }
        DexModule.parse(data, new StructValue());
    }

    static synchronized byte[] sample() {
        if (sample == null) {
            try {
                List<byte[]> samples = DexModuleTest.samples();
                sample = samples.get(0);
            } catch (Exception absent) {
                sample = new byte[0];
            }
        }
        return sample;
    }
}
