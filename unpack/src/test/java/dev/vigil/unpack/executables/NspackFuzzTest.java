package dev.vigil.unpack.executables;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.pe.NspackUnpacker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** The NsPack unpacker on edits and cuts of files built by {@link NspackClamscanTest} (both entry layouts). */
class NspackFuzzTest {
    private static final byte[][] SEEDS = seeds();

    private static byte[][] seeds() {
        try {
            return new byte[][] {NspackClamscanTest.nspack(NspackClamscanTest.image(1, "seed"), 3, 0, 2, false),
                NspackClamscanTest.nspack(NspackClamscanTest.image(2, "seed"), 0, 2, 0, true)};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void nspack(FuzzedDataProvider data) throws IOException {
        byte[] seed = SEEDS[data.consumeInt(0, SEEDS.length - 1)];
        byte[] file = Arrays.copyOf(seed, data.consumeInt(1, seed.length + 64));
        int edits = data.consumeInt(0, 16);
        for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
            file[data.consumeInt(0, file.length - 1)] = data.consumeByte();
        }
        CollectingSink sink = new CollectingSink(CollectingSink.limits(1 << 20, 8, 1 << 22));
        new NspackUnpacker().unpack(ScanInput.of(file), sink);
        if (sink.children.size() > 1) {
            throw new AssertionError("one packed file, one unpacked file");
        }
    }
}
