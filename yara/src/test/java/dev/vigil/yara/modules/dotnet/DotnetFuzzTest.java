package dev.vigil.yara.modules.dotnet;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.modules.StructValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hostile files never make the dotnet parser throw or hang. */
class DotnetFuzzTest {
    private static byte[] sample;

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        DotnetModule.parse(data, new StructValue());
    }

    /** Overwrites bytes of a real assembly, so that the fuzzer starts deep inside the metadata. */
    @FuzzTest(maxDuration = "60s")
    void corruptAssembly(FuzzedDataProvider fuzz) {
        byte[] data = sample().clone();
        if (data.length == 0) {
            return;
        }
        int edits = fuzz.consumeInt(1, 16);
        for (int i = 0; i < edits && fuzz.remainingBytes() > 0; i++) {
            data[fuzz.consumeInt(0, data.length - 1)] = fuzz.consumeByte();
        }
        DotnetModule.parse(data, new StructValue());
    }

    static synchronized byte[] sample() {
        if (sample == null) {
            Path p = Path.of(System.getProperty("vigil.shared", "../../shared"))
                    .resolve("conformance/yara/data/dotnet_misaligned_guid");
            try {
                sample = Files.isRegularFile(p) ? Files.readAllBytes(p) : new byte[0];
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sample;
    }
}
