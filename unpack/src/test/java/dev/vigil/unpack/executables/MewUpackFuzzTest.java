package dev.vigil.unpack.executables;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.MewUnpacker;
import dev.vigil.unpack.pe.UpackUnpacker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * MEW and Upack on ClamAV's packed test files with fuzzed edits (bytes overwritten, the file cut): random files would
 * almost never get past the stub checks, while edits of a real sample reach the decoders and the rebuild. Without the
 * samples (no ../shared, no Debian copies) the fuzzer's bytes are the file.
 */
class MewUpackFuzzTest {
    private static final byte[] MEW = sample("clam-mew.exe");
    private static final byte[] UPACK = sample("clam-upack.exe");

    private static byte[] sample(String name) {
        try {
            Path dir = Files.createTempDirectory("vigil-fuzz-sample");
            try {
                Path p = Files.isDirectory(Path.of(System.getProperty("vigil.shared", "../shared"), "conformance"))
                        ? ClamavTestFiles.decoded(name, dir) : null;
                if (p == null && Files.exists(ClamavTestFiles.DEBIAN.resolve(name))) {
                    p = ClamavTestFiles.DEBIAN.resolve(name);
                }
                return p == null ? null : Files.readAllBytes(p);
            } finally {
                try (var s = Files.list(dir)) {
                    for (Path f : s.toList()) {
                        Files.delete(f);
                    }
                }
                Files.delete(dir);
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static void run(Unpacker unpacker, byte[] sample, FuzzedDataProvider data) throws IOException {
        byte[] file;
        if (sample == null) {
            file = data.consumeRemainingAsBytes();
        } else {
            file = Arrays.copyOf(sample, data.consumeInt(1, sample.length + 64));
            int edits = data.consumeInt(0, 16);
            for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
                file[data.consumeInt(0, file.length - 1)] = data.consumeByte();
            }
        }
        CollectingSink sink = new CollectingSink(CollectingSink.limits(1 << 20, 8, 1 << 22));
        unpacker.unpack(ScanInput.of(file), sink);
        if (sink.children.size() > 1) {
            throw new AssertionError("one packed file, one rebuilt PE");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void mew(FuzzedDataProvider data) throws IOException {
        run(new MewUnpacker(), MEW, data);
    }

    @FuzzTest(maxDuration = "30s")
    void upack(FuzzedDataProvider data) throws IOException {
        run(new UpackUnpacker(), UPACK, data);
    }
}
