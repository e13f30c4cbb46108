package dev.vigil.unpack.executables;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.pe.FsgUnpacker;

import java.io.IOException;
import java.util.Arrays;

/**
 * The FSG unpacker on edits (bytes overwritten, the file cut) of the three layouts built by {@link FsgClamscanTest}:
 * random files would not get past the stub checks, edits of a good file reach the decoder, the section list and the
 * rebuild.
 */
class FsgFuzzTest {
    private static final byte[][] SEEDS = {
        FsgClamscanTest.fsg200(FsgClamscanTest.stream(1, "seed two-oh ".repeat(4))),
        FsgClamscanTest.fsg133(new byte[][] {FsgClamscanTest.stream(2, "a one-three-three "),
            FsgClamscanTest.stream(3, "b")}, new long[] {0x2000}),
        FsgClamscanTest.fsg131(new byte[][] {FsgClamscanTest.stream(4, "a one-three-one "),
            FsgClamscanTest.stream(5, "b"), FsgClamscanTest.stream(6, "c")}, new long[] {0x5000, 0x4000}),
    };

    @FuzzTest(maxDuration = "30s")
    void fsg(FuzzedDataProvider data) throws IOException {
        byte[] seed = SEEDS[data.consumeInt(0, SEEDS.length - 1)];
        byte[] file = Arrays.copyOf(seed, data.consumeInt(1, seed.length + 64));
        int edits = data.consumeInt(0, 16);
        for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
            file[data.consumeInt(0, file.length - 1)] = data.consumeByte();
        }
        CollectingSink sink = new CollectingSink(CollectingSink.limits(1 << 20, 8, 1 << 22));
        new FsgUnpacker().unpack(ScanInput.of(file), sink);
        if (sink.children.size() > 1) {
            throw new AssertionError("one packed file, one unpacked file");
        }
    }
}
