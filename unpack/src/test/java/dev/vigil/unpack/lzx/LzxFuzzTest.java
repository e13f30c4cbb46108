package dev.vigil.unpack.lzx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.chm.ChmUnpacker;
import dev.vigil.unpack.ishield.InstallShieldOverlayTest;
import dev.vigil.unpack.ishield.InstallShieldOverlayUnpacker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LZX decoder, the CHM reader and the InstallShield overlay reader on fuzzed input: they must end, with output
 * or an {@link IOException}, never another exception, and within their bounds. Normal runs replay the seeds in
 * src/test/resources/.../LzxFuzzTestInputs (streams and files made by the tests' own encoder and builders);
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class LzxFuzzTest {
    private static final UnpackLimits SMALL = new UnpackLimits(8L << 20, 4L << 20, 4, 200, 0, Duration.ofSeconds(20));

    /** Byte 0: window bits (15..21); byte 1: reset interval (0..3); bytes 2-4: output length; then the stream. */
    @FuzzTest(maxDuration = "60s")
    void lzxDecoder(byte[] data) {
        if (data.length < 5) {
            return;
        }
        int windowBits = 15 + (data[0] & 0xff) % 7;
        int reset = (data[1] & 0xff) % 4;
        long length = (data[2] & 0xffL) << 16 | (data[3] & 0xffL) << 8 | data[4] & 0xffL;
        byte[] stream = Arrays.copyOfRange(data, 5, data.length);
        try (InputStream in = new LzxInputStream(new ByteArrayInputStream(stream), windowBits, reset, length)) {
            byte[] out = in.readNBytes(8 << 20);
            if (length > 0) {
                assertThat((long) out.length).isLessThanOrEqualTo(length);
            }
        } catch (IOException refused) {
            // malformed streams end in an IOException
        }
    }

    @FuzzTest(maxDuration = "60s")
    void chm(byte[] data) {
        drain(new ChmUnpacker(), data);
    }

    /** The fuzzed bytes as the overlay of a small valid PE. */
    @FuzzTest(maxDuration = "60s")
    void installShieldOverlay(byte[] data) {
        byte[] pe = InstallShieldOverlayTest.minimalPe();
        byte[] file = Arrays.copyOf(pe, pe.length + data.length);
        System.arraycopy(data, 0, file, pe.length, data.length);
        drain(new InstallShieldOverlayUnpacker(), file);
    }

    private static void drain(dev.vigil.unpack.Unpacker unpacker, byte[] data) {
        long[] total = {0};
        ChildSink sink = new ChildSink() {
            @Override
            public boolean child(Child child, InputStream in) throws IOException {
                total[0] += in.readNBytes((int) SMALL.maxFileSize()).length;
                return true;
            }

            @Override
            public void encrypted(String name) {
            }

            @Override
            public void limitExceeded(String limitName, String detail) {
            }

            @Override
            public UnpackLimits limits() {
                return SMALL;
            }
        };
        try {
            unpacker.unpack(ScanInput.of(data), sink);
        } catch (IOException refused) {
            // malformed containers end in an IOException
        }
        assertThat(total[0]).isLessThanOrEqualTo(SMALL.maxFileSize() * SMALL.maxFiles() + SMALL.maxScanSize());
    }
}
