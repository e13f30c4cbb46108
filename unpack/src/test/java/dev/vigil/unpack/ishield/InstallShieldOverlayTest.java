package dev.vigil.unpack.ishield;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The files an InstallShield setup appends to its PE: the stored ones, and those inside its {@code ISc(} cabinet
 * volumes. Debian's test setups carry ClamAV's test executable both ways; the bytes extracted must be that file.
 */
public class InstallShieldOverlayTest {
    private static final Path TESTFILES = Path.of("/usr/share/clamav-testfiles");

    @Test
    void storedFileComesOutOfTheExternalSetup() throws IOException {
        Collected c = unpack(testFile("clam_IScab_ext.exe"));
        int i = c.names().indexOf("clam.exe");
        assertThat(i).isGreaterThanOrEqualTo(0);
        assertThat(c.data().get(i)).isEqualTo(Files.readAllBytes(TESTFILES.resolve("clam.exe")));
    }

    @Test
    void compressedFileComesOutOfTheCabinetVolume() throws IOException {
        Collected c = unpack(testFile("clam_IScab_int.exe"));
        int i = c.names().indexOf("clam.exe");
        assertThat(i).isGreaterThanOrEqualTo(0);
        assertThat(c.data().get(i)).isEqualTo(Files.readAllBytes(TESTFILES.resolve("clam.exe")));
        // the header parsed completely, so the volumes themselves are not offered as they stand
        assertThat(c.names()).doesNotContain("data1.hdr", "data1.cab", "data2.cab");
    }

    @Test
    void builtSetupWithHeaderAndVolume() throws IOException {
        byte[] payload = "what the cabinet holds".repeat(50).getBytes(StandardCharsets.US_ASCII);
        byte[] stream = chunked(payload, 300);
        byte[] volume = concat(new byte[16], stream);
        byte[] header = header("payload.txt", payload.length, stream.length, 16, 1);
        byte[] overlay = concat(record("readme.txt", "hello".getBytes(StandardCharsets.US_ASCII)),
                record("data1.hdr", header), record("data1.cab", volume));
        // ClamAV wants at least one byte after the last file
        Collected c = unpack(concat(minimalPe(), overlay, new byte[1]));
        assertThat(c.names()).containsExactly("readme.txt", "payload.txt");
        assertThat(c.data().get(1)).isEqualTo(payload);
    }

    @Test
    void brokenStreamLeavesTheVolumesToBeScannedWhole() throws IOException {
        byte[] payload = new byte[1000];
        byte[] stream = chunked(payload, 400);
        stream[5] ^= (byte) 0xff; // corrupt the first chunk's deflate data
        byte[] volume = concat(new byte[16], stream);
        byte[] header = header("payload.bin", payload.length, stream.length, 16, 1);
        Collected c = unpack(concat(minimalPe(), record("data1.hdr", header), record("data1.cab", volume), new byte[1]));
        assertThat(c.names()).doesNotContain("payload.bin").contains("data1.hdr", "data1.cab");
    }

    @Test
    void hostileRecordsEndTheWalk() throws IOException {
        byte[] lying = "a.exe\0p\0v\0999999999999\0".getBytes(StandardCharsets.US_ASCII);
        byte[] negative = "a.exe\0p\0v\0-5\0xxxxx".getBytes(StandardCharsets.US_ASCII);
        byte[] unterminated = new byte[5000];
        Arrays.fill(unterminated, (byte) 'a');
        for (byte[] overlay : List.of(lying, negative, unterminated)) {
            assertThat(unpack(concat(minimalPe(), overlay)).names()).isEmpty();
        }
        // a header whose file table claims 4 billion records past the end of the file
        byte[] header = header("x", 10, 10, 0, 1);
        header[20 + 40] = (byte) 0xff;
        header[20 + 41] = (byte) 0xff;
        header[20 + 42] = (byte) 0xff;
        header[20 + 43] = (byte) 0xff;
        Collected c = unpack(concat(minimalPe(), record("data1.hdr", header), record("data1.cab", new byte[64]),
                new byte[1]));
        assertThat(c.names()).contains("data1.hdr", "data1.cab");
    }

    @Test
    void lastFileNeedsATrailingByteAsInClamav() throws IOException {
        byte[] data = "stored".getBytes(StandardCharsets.US_ASCII);
        assertThat(unpack(concat(minimalPe(), record("a.txt", data))).names()).isEmpty();
        assertThat(unpack(concat(minimalPe(), record("a.txt", data), new byte[1])).names()).containsExactly("a.txt");
    }

    @Test
    void decimalIsReadAsStrtolReadsIt() {
        assertThat(InstallShieldOverlayUnpacker.decimal("544")).isEqualTo(544);
        assertThat(InstallShieldOverlayUnpacker.decimal(" +7")).isEqualTo(7);
        assertThat(InstallShieldOverlayUnpacker.decimal("")).isEqualTo(-1);
        assertThat(InstallShieldOverlayUnpacker.decimal("12a")).isEqualTo(-1);
        assertThat(InstallShieldOverlayUnpacker.decimal("-3")).isEqualTo(-1);
        assertThat(InstallShieldOverlayUnpacker.decimal("99999999999999999999")).isEqualTo(-1);
    }

    // ---- building inputs

    private static byte[] testFile(String name) throws IOException {
        Path p = TESTFILES.resolve(name);
        assumeTrue(Files.isRegularFile(p), "Debian's clamav-testfiles absent");
        return Files.readAllBytes(p);
    }

    private static byte[] record(String name, byte[] data) {
        return concat((name + "\0Disk1\\" + name + "\0" + "0.0.0.0\0" + data.length + "\0")
                .getBytes(StandardCharsets.ISO_8859_1), data);
    }

    /** A data1.hdr with one internal file in volume {@code volume} and its name in the string area. */
    private static byte[] header(String name, long size, long csize, long streamOff, int volume) {
        int dataOff = 20;
        int dirsOff = 80; // relative to dataOff: one directory pointer, then its name, then the file records
        byte[] h = new byte[dataOff + dirsOff + 200];
        put(h, 0, 0x28635349L, 4);
        put(h, 12, dataOff, 4);
        int objects = dataOff;
        put(h, objects + 12, dirsOff, 4);
        put(h, objects + 40, 1, 4); // files
        put(h, objects + 44, 16, 4); // directory table size
        int base = dataOff + dirsOff;
        put(h, base, 8, 4); // directory 0 -> its (empty) name at base + 8
        int item = base + 16;
        put(h, item, 4, 2);
        put(h, item + 2, size, 8);
        put(h, item + 10, csize, 8);
        put(h, item + 18, streamOff, 8);
        put(h, item + 58, 120, 4); // name at base + 120
        put(h, item + 62, 0, 2);
        put(h, item + 85, volume, 2);
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(n, 0, h, base + 120, n.length);
        return h;
    }

    /** InstallShield's chunked stream: 16-bit length, raw deflate data, per chunk of {@code chunk} input bytes. */
    private static byte[] chunked(byte[] data, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < data.length; at += chunk) {
            Deflater d = new Deflater(9, true);
            d.setInput(data, at, Math.min(chunk, data.length - at));
            d.finish();
            byte[] buf = new byte[chunk * 2 + 64];
            int n = d.deflate(buf);
            d.end();
            out.write(n & 0xff);
            out.write(n >>> 8);
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** The smallest PE whose overlay ClamAV's rule finds: two sections, the second ending the image. */
    public static byte[] minimalPe() {
        byte[] pe = new byte[0x600];
        pe[0] = 'M';
        pe[1] = 'Z';
        put(pe, 0x3c, 0x80, 4);
        put(pe, 0x80, 0x4550, 4);
        put(pe, 0x84, 0x14c, 2); // i386
        put(pe, 0x86, 2, 2); // sections
        put(pe, 0x94, 0xe0, 2); // optional header size
        put(pe, 0x96, 0x102, 2);
        int opt = 0x98;
        put(pe, opt, 0x10b, 2);
        put(pe, opt + 16, 0x1000, 4); // entry point
        put(pe, opt + 28, 0x400000, 4);
        put(pe, opt + 32, 0x1000, 4); // section alignment
        put(pe, opt + 36, 0x200, 4); // file alignment
        put(pe, opt + 56, 0x3000, 4); // image size
        put(pe, opt + 60, 0x200, 4); // headers size
        put(pe, opt + 92, 16, 4);
        int sec = opt + 0xe0;
        for (int i = 0; i < 2; i++) {
            int s = sec + 40 * i;
            pe[s] = '.';
            pe[s + 1] = (byte) ('a' + i);
            put(pe, s + 8, 0x200, 4);
            put(pe, s + 12, 0x1000 * (i + 1), 4);
            put(pe, s + 16, 0x200, 4);
            put(pe, s + 20, 0x200 + 0x200 * i, 4);
            put(pe, s + 36, 0x60000020, 4);
        }
        return pe;
    }

    private static void put(byte[] b, int at, long v, int n) {
        for (int i = 0; i < n; i++) {
            b[at + i] = (byte) (v >>> 8 * i);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    record Collected(List<String> names, List<byte[]> data) {
    }

    private static Collected unpack(byte[] file) throws IOException {
        List<String> names = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        ChildSink sink = new ChildSink() {
            @Override
            public boolean child(Child child, InputStream in) throws IOException {
                names.add(child.name());
                data.add(in.readAllBytes());
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
                return UnpackLimits.DEFAULT;
            }
        };
        new InstallShieldOverlayUnpacker().unpack(ScanInput.of(file), sink);
        return new Collected(names, data);
    }
}
