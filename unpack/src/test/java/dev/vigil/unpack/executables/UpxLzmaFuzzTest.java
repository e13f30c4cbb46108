package dev.vigil.unpack.executables;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.pe.RawLzma;
import dev.vigil.unpack.pe.UpxUnpacker;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The raw LZMA decoder and the UPX-LZMA path on edits of streams and files built here (random bytes would rarely
 * start with a valid range-coder byte or carry the stub): they must end with a result or nothing, within bounds.
 */
class UpxLzmaFuzzTest {
    private static final byte[] PLAIN = ("LZMA seed: literals, matches and repeats; literals, matches and repeats. "
            .repeat(40) + "0123456789abcdef".repeat(20)).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STREAM = encode(PLAIN);
    private static final byte[] UPX_FILE = upxFile();

    private static byte[] encode(byte[] data) {
        try {
            LZMA2Options o = new LZMA2Options();
            o.setDictSize(1 << 16);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (LZMAOutputStream out = new LZMAOutputStream(bytes, o, true)) {
                out.write(data);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] upxFile() {
        try {
            return UpxUnpackerTest.lzmaPackedPe(UpxUnpackerTest.upxImage(PLAIN), 0x2120, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] edited(byte[] seed, FuzzedDataProvider data) {
        byte[] b = Arrays.copyOf(seed, data.consumeInt(0, seed.length + 32));
        int edits = data.consumeInt(0, 16);
        for (int i = 0; i < edits && b.length > 0 && data.remainingBytes() > 0; i++) {
            b[data.consumeInt(0, b.length - 1)] = data.consumeByte();
        }
        return b;
    }

    @FuzzTest(maxDuration = "30s")
    void rawLzma(FuzzedDataProvider data) {
        int lc = data.consumeInt(0, 8);
        int lp = data.consumeInt(0, 4);
        int pb = data.consumeInt(0, 4);
        byte[] out = new byte[data.consumeInt(0, 1 << 16)];
        byte[] stream = data.consumeBoolean() ? data.consumeRemainingAsBytes() : edited(STREAM, data);
        int n = RawLzma.decode(stream, 0, stream.length, out, out.length, lc, lp, pb);
        if (n < RawLzma.DATA_ERROR || n > out.length) {
            throw new AssertionError("decoded " + n + " of " + out.length);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void upxLzma(FuzzedDataProvider data) throws IOException {
        byte[] file = edited(UPX_FILE, data);
        CollectingSink sink = new CollectingSink(CollectingSink.limits(1 << 20, 8, 1 << 22));
        new UpxUnpacker().unpack(ScanInput.of(file), sink);
        if (sink.children.size() > 1) {
            throw new AssertionError("one packed file, one unpacked file");
        }
    }
}
