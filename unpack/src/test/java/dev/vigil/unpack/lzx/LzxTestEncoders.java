package dev.vigil.unpack.lzx;

import java.util.List;

/** The test encoder and sample data, for tests in other packages. */
public final class LzxTestEncoders {
    private LzxTestEncoders() {
    }

    public record Encoded(byte[] data, List<Long> frameOffsets) {
    }

    public static byte[] sample(int size, long seed) {
        return LzxInputStreamTest.sample(size, seed);
    }

    /** Verbatim and aligned blocks in turn, no E8 translation. */
    public static Encoded encode(int windowBits, int resetInterval, byte[] data) {
        LzxTestEncoder e = new LzxTestEncoder(windowBits, resetInterval, 0, LzxTestEncoder.VERBATIM,
                LzxTestEncoder.ALIGNED, LzxTestEncoder.UNCOMPRESSED);
        return new Encoded(e.encode(data), e.frameOffsets());
    }
}
