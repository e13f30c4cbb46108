package dev.vigil.unpack.executables;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ishield.InstallShieldMsiUnpacker;
import dev.vigil.unpack.nsis.NsisUnpacker;
import dev.vigil.unpack.sis.SisUnpacker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/** SIS, NSIS and InstallShield MSI inputs written by the test: round trips and hostile sizes. */
class InstallerFormatsTest {

    static byte[] deflate(byte[] data, boolean raw) {
        Deflater d = new Deflater(9, raw);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) {
            o.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return o.toByteArray();
    }

    static byte[] lzmaNsis(byte[] data, int dictionary) throws IOException {
        LZMA2Options options = new LZMA2Options(1);
        options.setDictSize(1 << 23);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write(0x5d);
        byte[] dict = new byte[4];
        TestData.put32(dict, 0, dictionary);
        o.writeBytes(dict);
        try (LZMAOutputStream lz = new LZMAOutputStream(o, options, true)) {
            lz.write(data);
        }
        return o.toByteArray();
    }

    /** An NSIS archive after a PE-ish prefix: first header, then blocks (compressed blocks flagged). */
    static byte[] nsis(byte[]... blocks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] b : blocks) {
            byte[] len = new byte[4];
            TestData.put32(len, 0, b.length | 0x80000000L);
            body.writeBytes(len);
            body.writeBytes(b);
        }
        byte[] file = new byte[512 + 28 + body.size()];
        file[0] = 'M';
        file[1] = 'Z';
        byte[] sig = {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde, 'N', 'u', 'l', 'l', 's', 'o', 'f', 't',
                'I', 'n', 's', 't'};
        System.arraycopy(sig, 0, file, 512 + 4, sig.length);
        TestData.put32(file, 512 + 0x18, 28 + body.size());
        System.arraycopy(body.toByteArray(), 0, file, 512 + 28, body.size());
        return file;
    }

    @Test
    void nsisDeflateAndLzmaBlocks() throws IOException {
        byte[] script = "NSIS script header".getBytes(StandardCharsets.US_ASCII);
        byte[] payload = "payload of the installer ".repeat(100).getBytes(StandardCharsets.US_ASCII);
        CollectingSink z = new CollectingSink();
        new NsisUnpacker().unpack(ScanInput.of(nsis(deflate(script, true), deflate(payload, true))), z);
        assertThat(z.data).containsExactly(script, payload);

        CollectingSink lz = new CollectingSink();
        new NsisUnpacker().unpack(ScanInput.of(nsis(lzmaNsis(script, 1 << 23), lzmaNsis(payload, 1 << 23))), lz);
        assertThat(lz.data).containsExactly(script, payload);
    }

    @Test
    @Timeout(10)
    void nsisBombsAndHugeDictionariesStayBounded() throws IOException {
        // 64 MiB of zeros in one deflate block, MaxFileSize 4 MiB: cut and reported.
        CollectingSink bomb = new CollectingSink(CollectingSink.limits(4 << 20, 100, 0));
        new NsisUnpacker().unpack(ScanInput.of(nsis(deflate(new byte[1], true), deflate(new byte[64 << 20], true))),
                bomb);
        assertThat(bomb.data.get(1)).hasSize(4 << 20);
        assertThat(bomb.limitsHit).anyMatch(s -> s.startsWith("MaxFileSize"));
        // An LZMA block declaring a 4 GiB dictionary decodes with a bounded one.
        byte[] payload = "small".getBytes(StandardCharsets.US_ASCII);
        CollectingSink dict = new CollectingSink(CollectingSink.limits(1 << 20, 100, 0));
        new NsisUnpacker().unpack(ScanInput.of(nsis(lzmaNsis(payload, -1), lzmaNsis(payload, -1))), dict);
        assertThat(dict.data).allMatch(d -> Arrays.equals(d, payload));
    }

    /** A pre-9 SIS with one file, stored zlib-compressed, declaring {@code declared} bytes. */
    static byte[] sis(byte[] content, long declared) {
        byte[] packed = deflate(content, false);
        int filesAt = 16 + 68;
        int recordSize = 4 + 6 * 4 + 3 * 4 + 8;
        int dataAt = filesAt + recordSize;
        byte[] f = new byte[dataAt + packed.length];
        TestData.put32(f, 8, 0x10000419L);
        TestData.put16(f, 16 + 2, 1);
        TestData.put16(f, 16 + 4, 1);
        TestData.put32(f, 16 + 32, 0);
        TestData.put32(f, 16 + 36, filesAt);
        int r = filesAt + 4 + 6 * 4;
        TestData.put32(f, r, packed.length);
        TestData.put32(f, r + 4, dataAt);
        TestData.put32(f, r + 8, declared);
        System.arraycopy(packed, 0, f, dataAt, packed.length);
        return f;
    }

    @Test
    @Timeout(10)
    void sisRoundTripAndClamavsBufferRule() throws IOException {
        byte[] content = "symbian file".getBytes(StandardCharsets.US_ASCII);
        CollectingSink ok = new CollectingSink();
        new SisUnpacker().unpack(ScanInput.of(sis(content, content.length)), ok);
        assertThat(ok.data).containsExactly(content);

        // 8 MiB of zeros packs to a few KiB: with a small declared size the 3x buffer is too small (skipped, as in
        // ClamAV); with the true size it fits; with a size beyond MaxFileSize it is a limit.
        byte[] zeros = new byte[8 << 20];
        CollectingSink small = new CollectingSink();
        new SisUnpacker().unpack(ScanInput.of(sis(zeros, 10)), small);
        assertThat(small.data).isEmpty();
        CollectingSink exact = new CollectingSink();
        new SisUnpacker().unpack(ScanInput.of(sis(zeros, zeros.length)), exact);
        assertThat(exact.data.getFirst()).hasSize(zeros.length);
        CollectingSink huge = new CollectingSink(CollectingSink.limits(1 << 20, 100, 0));
        new SisUnpacker().unpack(ScanInput.of(sis(zeros, 0xfffffff0L)), huge);
        assertThat(huge.data).isEmpty();
        assertThat(huge.limitsHit).anyMatch(s -> s.startsWith("MaxFileSize"));
    }

    /** An MSI-based InstallShield setup with one file. */
    static byte[] ishield(String name, byte[] content) {
        byte[] packed = deflate(content, false);
        byte[] key = new byte[name.length()];
        int[] k = {0xec, 0xca, 0x79, 0xf8};
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (name.charAt(i) ^ k[i & 3]);
        }
        for (int i = 0; i < packed.length; i++) {
            int c = (packed[i] ^ key[(i & 0x3ff) % key.length]) & 0xff;
            packed[i] = (byte) ((c >>> 4 | c << 4) & 0xff);
        }
        int at = 100;
        byte[] f = new byte[at + 14 + 0x20 + 0x138 + packed.length];
        f[0] = 'M';
        f[1] = 'Z';
        System.arraycopy("InstallShield\0".getBytes(StandardCharsets.US_ASCII), 0, f, at, 14);
        TestData.put32(f, at + 14, 1);
        int block = at + 14 + 0x20;
        System.arraycopy(name.getBytes(StandardCharsets.US_ASCII), 0, f, block, name.length());
        TestData.put32(f, block + 0x104, 6);
        TestData.put32(f, block + 0x104 + 8, packed.length);
        TestData.put32(f, block + 0x104 + 20, 1);
        System.arraycopy(packed, 0, f, block + 0x138, packed.length);
        return f;
    }

    @Test
    void installShieldMsiRoundTripAndCut() throws IOException {
        byte[] content = "install me ".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        CollectingSink ok = new CollectingSink();
        new InstallShieldMsiUnpacker().unpack(ScanInput.of(ishield("setup.ini", content)), ok);
        assertThat(ok.children).extracting(c -> c.name()).containsExactly("setup.ini");
        assertThat(ok.data).containsExactly(content);

        CollectingSink cut = new CollectingSink(CollectingSink.limits(1000, 100, 0));
        new InstallShieldMsiUnpacker().unpack(ScanInput.of(ishield("setup.ini", content)), cut);
        assertThat(cut.data.getFirst()).hasSize(1000);
    }
}
