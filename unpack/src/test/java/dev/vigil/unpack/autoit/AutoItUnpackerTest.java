package dev.vigil.unpack.autoit;

import dev.vigil.unpack.CollectedChildren;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.pe.UpxUnpacker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** EA06 archives written by the test (the keystream is an XOR, so the same code encrypts). */
class AutoItUnpackerTest {

    private static void u32(ByteArrayOutputStream o, long v) {
        for (int i = 0; i < 4; i++) {
            o.write((int) (v >>> 8 * i));
        }
    }

    /** An EA06 record holding {@code payload} (compressed flag as given, payload already in that form). */
    static byte[] ea06(byte[] payload, int compressed, long usize) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(new byte[64]);
        o.writeBytes(UpxUnpacker.hexBytes("a3484bbe986c4aa9994c530a86d6487d"));
        o.writeBytes("AU3!EA06".getBytes(StandardCharsets.US_ASCII));
        o.writeBytes(new byte[16]);
        u32(o, 0x52ca436bL);
        byte[] magic = "FILE".getBytes(StandardCharsets.UTF_16LE);
        u32(o, 4 ^ 0xadbc);
        AutoItCiphers.lame(magic, 0, magic.length, 4 + 0xb33f);
        o.writeBytes(magic);
        byte[] name = "x.bin".getBytes(StandardCharsets.UTF_16LE);
        u32(o, 5 ^ 0xf820);
        o.writeBytes(name);
        o.write(compressed);
        u32(o, payload.length ^ 0x87bc);
        u32(o, usize ^ 0x87bc);
        u32(o, 0);
        o.writeBytes(new byte[16]);
        byte[] data = payload.clone();
        AutoItCiphers.lame(data, 0, data.length, 0x2477);
        o.writeBytes(data);
        return o.toByteArray();
    }

    private static List<byte[]> unpack(byte[] file, long maxFileSize) throws IOException {
        UnpackLimits limits = new UnpackLimits(0, maxFileSize, 17, 100, 1 << 20, java.time.Duration.ofSeconds(5));
        return CollectedChildren.of(new AutoItUnpacker(), file, limits).data;
    }

    @Test
    void storedRecordRoundTrips() throws IOException {
        byte[] payload = "stored AutoIt payload".getBytes(StandardCharsets.US_ASCII);
        assertThat(unpack(ea06(payload, 0, payload.length), 1 << 20)).containsExactly(payload);
    }

    @Test
    @Timeout(5)
    void compressedRecordsWithLyingSizesEndFast() throws IOException {
        // "EA06", then a declared size of 90 MB and a stream of a few literals: output is what the stream holds.
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        c.writeBytes("EA06".getBytes(StandardCharsets.US_ASCII));
        c.writeBytes(new byte[] {0x05, 0x5f, 0x5e, 0x10});
        c.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        List<byte[]> out = unpack(ea06(c.toByteArray(), 1, 0), 100 << 20);
        assertThat(out).allMatch(b -> b.length < 1000);
        // A declared size beyond MaxFileSize is skipped.
        assertThat(unpack(ea06(c.toByteArray(), 1, 0), 1 << 20)).isEmpty();
    }
}
