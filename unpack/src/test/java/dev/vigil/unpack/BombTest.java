package dev.vigil.unpack;

import dev.vigil.engine.Engine;
import dev.vigil.unpack.archive.LibarchiveRarSamples;
import dev.vigil.unpack.archive.RarWriter;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decompression bombs and hostile archives built by the test. Each must finish within the limits with a clear
 * result, leave Vigil's temporary space empty and write nothing elsewhere. Time and peak heap of each go to
 * {@code target/unpack-bombs.md} (a report, not an assertion on speed).
 */
@Timeout(120)
class BombTest {
    private static final long MIB = 1 << 20;

    @TempDir
    static Path dir;
    static Path spool;
    static RecursiveScanner scanner;
    static final Map<String, String> REPORT = new LinkedHashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        spool = Files.createDirectories(dir.resolve("spool"));
        Engine engine = TestData.engine(dir, "eicar.ndb", "Test.Body:0:*:"
                + java.util.HexFormat.of().formatHex(TestData.EICAR) + "\n");
        scanner = new RecursiveScanner(engine, Unpackers.defaults(), UnpackLimits.DEFAULT, spool);
    }

    @AfterAll
    static void writeReport() throws IOException {
        StringBuilder md = new StringBuilder("| bomb | input size | result | limits hit | time | peak heap |\n"
                + "|---|---|---|---|---|---|\n");
        REPORT.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "unpack-bombs.md"), md);
    }

    private static DeepScanResult run(String label, byte[] bomb, DeepScanOptions options) throws Exception {
        Path file = Files.write(dir.resolve("bomb.bin"), bomb);
        HeapPeak peak = HeapPeak.start();
        long t0 = System.nanoTime();
        DeepScanResult r = scanner.scan(file, options);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        long peakMib = peak.stop() / MIB;
        Files.delete(file);
        assertThat(TestData.isEmptyDir(spool)).as("temporary space empty after %s", label).isTrue();
        REPORT.put(label, String.format("%,d B | %s | %s | %,d ms | %d MiB", bomb.length,
                r.detections().isEmpty() ? "clean" : r.detections().getFirst().name(),
                r.limits().stream().map(DeepScanResult.LimitHit::limit).distinct().toList(), ms, peakMib));
        return r;
    }

    private static DeepScanResult run(String label, byte[] bomb) throws Exception {
        return run(label, bomb, DeepScanOptions.DEFAULT.withAllMatch(true));
    }

    @Test
    void recursiveNestingStopsAtMaxRecursion() throws Exception {
        byte[] data = TestData.EICAR;
        for (int i = 0; i < 100; i++) {
            data = Containers.zip("level" + i + ".zip", data);
        }
        DeepScanResult r = run("zip nested 100 deep", data);
        assertThat(r.limitExceeded()).isEqualTo("MaxRecursion");
        assertThat(r.infected()).isFalse();
        assertThat(r.objectsScanned()).isEqualTo(UnpackLimits.DEFAULT.maxRecursion());
    }

    @Test
    void fortyTwoStyleFanOutStopsAtLimits() throws Exception {
        byte[] bottom = Containers.zip("zeros.bin", new byte[0]);
        bottom = zipOfDeflatedZeros("zeros.bin", 100 * MIB - 1);
        byte[] level = bottom;
        for (int depth = 0; depth < 4; depth++) {
            Map<String, byte[]> sixteen = new LinkedHashMap<>();
            for (int i = 0; i < 16; i++) {
                sixteen.put("lib" + depth + "_" + i + ".zip", level);
            }
            level = Containers.zip(sixteen, false);
        }
        DeepScanResult r = run("42.zip style (16^4 x 100 MiB)", level, DeepScanOptions.DEFAULT);
        assertThat(r.limits()).extracting(DeepScanResult.LimitHit::limit).contains("MaxScanSize");
        assertThat(r.bytesScanned()).isLessThanOrEqualTo(UnpackLimits.DEFAULT.maxScanSize());
    }

    @Test
    void overlappingEntriesRaiseTheHeuristicAndExtractNothing() throws Exception {
        byte[] bomb = overlappingZip(40, 20 * MIB);
        DeepScanResult r = run("overlapping entries (40 x 20 MiB)", bomb);
        assertThat(r.detections()).extracting(DeepDetection::name).containsExactly("Heuristics.Zip.OverlappingFiles");
        assertThat(r.objectsScanned()).isEqualTo(1);
    }

    @Test
    void overlappingZipVerdictIsClamscans() throws Exception {
        Clamscan.assume();
        Path file = Files.write(dir.resolve("overlap.zip"), overlappingZip(40, MIB));
        Path db = dir.resolve("eicar.ndb");
        var reference = Clamscan.verdicts(Clamscan.run(List.of("--no-summary", "-d", db.toString(),
                file.toString())));
        DeepScanResult r = scanner.scan(file, DeepScanOptions.DEFAULT);
        assertThat(r.detections().stream().map(d -> d.name()).toList())
                .isEqualTo(reference.get(file.toString()));
    }

    @Test
    void gzipBomb() throws Exception {
        byte[] member = Containers.zeros(64 * MIB, out -> new java.util.zip.GZIPOutputStream(out, 1 << 16));
        DeepScanResult r = run("gzip, 16 members x 64 MiB", repeat(member, 16));
        assertThat(r.limitExceeded()).isEqualTo("MaxFileSize");
        assertThat(r.bytesScanned()).isEqualTo(UnpackLimits.DEFAULT.maxFileSize());
    }

    @Test
    void bzip2Bomb() throws Exception {
        byte[] stream = Containers.zeros(8 * MIB, BZip2CompressorOutputStream::new);
        DeepScanResult r = run("bzip2, 128 streams x 8 MiB", repeat(stream, 128));
        assertThat(r.limitExceeded()).isEqualTo("MaxFileSize");
    }

    @Test
    void xzBomb() throws Exception {
        byte[] stream = Containers.zeros(16 * MIB, XZCompressorOutputStream::new);
        DeepScanResult r = run("xz, 64 streams x 16 MiB", repeat(stream, 64));
        assertThat(r.limitExceeded()).isEqualTo("MaxFileSize");
    }

    @Test
    void sevenZipBomb() throws Exception {
        var channel = new org.apache.commons.compress.utils.SeekableInMemoryByteChannel();
        try (var out = new SevenZOutputFile(channel)) {
            for (int i = 0; i < 2; i++) {
                SevenZArchiveEntry e = new SevenZArchiveEntry();
                e.setName("zeros" + i);
                out.putArchiveEntry(e);
                byte[] block = new byte[1 << 20];
                for (int k = 0; k < (i == 0 ? 120 : 1); k++) {
                    out.write(block);
                }
                out.closeArchiveEntry();
            }
        }
        byte[] bomb = java.util.Arrays.copyOf(channel.array(), (int) channel.size());
        DeepScanResult r = run("7z, 120 MiB + 1 MiB entries", bomb);
        assertThat(r.limits()).extracting(DeepScanResult.LimitHit::limit).contains("MaxFileSize");
    }

    /**
     * RAR bombs with stored entries only (no rar compressor is installed to build a highly compressible RAR4; the
     * limits are the same code paths): nesting, a hundred thousand entries for each reader, and a RAR5 entry whose
     * declared sizes lie.
     */
    @Test
    void rarNestedStopsAtMaxRecursion() throws Exception {
        byte[] data = TestData.EICAR;
        for (int i = 0; i < 100; i++) {
            data = i % 2 == 0 ? new RarWriter.Rar5().main(0).stored("level" + i + ".rar", data).end().bytes()
                    : new RarWriter.Rar4(0).stored("level" + i + ".rar", data).end().bytes();
        }
        DeepScanResult r = run("rar (RAR5/RAR4 alternating) nested 100 deep", data);
        assertThat(r.limitExceeded()).isEqualTo("MaxRecursion");
        assertThat(r.objectsScanned()).isEqualTo(UnpackLimits.DEFAULT.maxRecursion());
    }

    @Test
    void rarWithAHundredThousandTinyEntriesStopsAtMaxFiles() throws Exception {
        RarWriter.Rar5 rar5 = new RarWriter.Rar5().main(0);
        RarWriter.Rar4 rar4 = new RarWriter.Rar4(0);
        for (int i = 0; i < 100_000; i++) {
            String name = Integer.toString(i, 36);
            rar5.stored(name, new byte[] {'x'});
            rar4.stored(name, new byte[] {'x'});
        }
        for (var e : Map.of("RAR5 (own reader)", rar5.end().bytes(), "RAR4 (junrar)", rar4.end().bytes())
                .entrySet()) {
            DeepScanResult r = run(e.getKey() + " with 100,000 tiny stored entries", e.getValue());
            assertThat(r.limits()).extracting(DeepScanResult.LimitHit::limit).contains("MaxFiles");
            assertThat(r.objectsScanned()).isEqualTo(UnpackLimits.DEFAULT.maxFiles() + 1);
        }
    }

    @Test
    void rar5SizesThatLie() throws Exception {
        // Unpacked size declared as 2^62 for a 1 MiB stored entry: never used to size anything.
        byte[] rar = new RarWriter.Rar5().main(0).file("big.bin", new byte[(int) MIB], 0, 0, 1L << 62, null, false)
                .end().bytes();
        DeepScanResult r = run("RAR5, sizes that lie (2^62 declared for 1 MiB)", rar);
        assertThat(r.objectsScanned()).isEqualTo(2);
        assertThat(r.bytesScanned()).isLessThan(4 * MIB);
    }

    /**
     * Compressed RAR bombs from libarchive's test archives (fetched at test time; skipped offline): a real
     * high-ratio stream (RAR 2.9 PPMd/LZSS, 1:1,367), and RAR5 entries built around the packed data of a real RAR5
     * entry with a lying unpacked size, a 4 GiB dictionary, or copied 20,000 times.
     */
    @Test
    void rarCompressedHighRatioStreamStopsAtMaxFileSize() throws Exception {
        byte[] ppmd = LibarchiveRarSamples.all().get("test_read_format_rar_ppmd_lzss_conversion.rar");
        DeepScanResult r = run("RAR4 PPMd stream, 241,647,978 B unpacked (libarchive sample)", ppmd);
        assertThat(r.limits()).extracting(DeepScanResult.LimitHit::limit).contains("MaxFileSize");
        assertThat(r.bytesScanned()).isLessThanOrEqualTo(UnpackLimits.DEFAULT.maxFileSize() + ppmd.length);
    }

    @Test
    void rar5CompressedSizesThatLie() throws Exception {
        LibarchiveRarSamples.PackedEntry e = LibarchiveRarSamples.firstRar5File(
                LibarchiveRarSamples.all().get("test_read_format_rar5_compressed.rar"));
        byte[] rar = new RarWriter.Rar5().main(0).compressed("big.bin", e.packed(), e.compressionInfo(), 1L << 60)
                .end().bytes();
        DeepScanResult r = run("RAR5 compressed, 2^60 declared for " + e.unpackedSize() + " B", rar);
        assertThat(r.objectsScanned()).isEqualTo(2);
        assertThat(r.bytesScanned()).isLessThan(MIB);
        // A dictionary of 4 GiB declared (dictionary bits 15): refused before any window is allocated.
        long hugeDictionary = (e.compressionInfo() & ~(0xfL << 10)) | (15L << 10);
        byte[] dict = new RarWriter.Rar5().main(0).compressed("dict.bin", e.packed(), hugeDictionary,
                e.unpackedSize()).end().bytes();
        DeepScanResult d = run("RAR5 declaring a 4 GiB dictionary", dict);
        assertThat(d.errors()).anySatisfy(x -> assertThat(x.message()).contains("dict.bin", "Dictionary"));
    }

    @Test
    void rar5WithTwentyThousandCompressedEntriesStopsAtMaxFiles() throws Exception {
        LibarchiveRarSamples.PackedEntry e = LibarchiveRarSamples.firstRar5File(
                LibarchiveRarSamples.all().get("test_read_format_rar5_compressed.rar"));
        RarWriter.Rar5 rar = new RarWriter.Rar5().main(0);
        for (int i = 0; i < 20_000; i++) {
            rar.compressed(Integer.toString(i, 36), e.packed(), e.compressionInfo(), e.unpackedSize());
        }
        DeepScanResult r = run("RAR5 (junrar) with 20,000 compressed entries", rar.end().bytes());
        assertThat(r.limits()).extracting(DeepScanResult.LimitHit::limit).contains("MaxFiles");
        assertThat(r.objectsScanned()).isEqualTo(UnpackLimits.DEFAULT.maxFiles() + 1);
    }

    @Test
    void aHundredThousandTinyEntriesStopAtMaxFiles() throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ZipArchiveOutputStream(bytes)) {
            byte[] one = {'x'};
            CRC32 crc = new CRC32();
            crc.update(one);
            for (int i = 0; i < 100_000; i++) {
                ZipArchiveEntry e = new ZipArchiveEntry(Integer.toString(i, 36));
                e.setMethod(ZipEntry.STORED);
                e.setSize(1);
                e.setCrc(crc.getValue());
                out.putArchiveEntry(e);
                out.write(one);
                out.closeArchiveEntry();
            }
        }
        DeepScanResult r = run("zip with 100,000 tiny entries", bytes.toByteArray());
        assertThat(r.limitExceeded()).isEqualTo("MaxFiles");
        assertThat(r.objectsScanned()).isEqualTo(UnpackLimits.DEFAULT.maxFiles() + 1);
    }

    @Test
    void lyingSizesAreNotTrusted() throws Exception {
        byte[] zip = zipOfDeflatedZeros("small.txt", 50 * MIB);
        // Claim 1 byte uncompressed in the central directory and 4 GiB - 2 in the local header.
        patchSizes(zip, 1, 0xfffffffeL);
        DeepScanResult r = run("zip, sizes that lie (50 MiB declared as 1 B)", zip);
        assertThat(r.objectsScanned()).isEqualTo(2);
        assertThat(r.bytesScanned()).isEqualTo(50 * MIB);
    }

    @Test
    void pathTraversalNamesNeverBecomePaths() throws Exception {
        Map<String, byte[]> evil = new LinkedHashMap<>();
        evil.put("../../escaped-vigil-test.com", TestData.EICAR);
        evil.put("/tmp/absolute-vigil-test.com", TestData.EICAR);
        evil.put("..\\..\\windows-vigil-test.com", TestData.EICAR);
        evil.put("big/../../../spooled-vigil-test.bin", new byte[3 << 20]);
        DeepScanResult r = run("zip, path traversal names", Containers.zip(evil, false));
        assertThat(r.detections()).extracting(DeepDetection::pathString)
                .contains("bomb.bin/../../escaped-vigil-test.com", "bomb.bin//tmp/absolute-vigil-test.com");
        assertThat(dir.resolveSibling("escaped-vigil-test.com")).doesNotExist();
        assertThat(spool.resolveSibling("escaped-vigil-test.com")).doesNotExist();
        assertThat(Path.of("/tmp/absolute-vigil-test.com")).doesNotExist();
        try (var s = Files.walk(dir)) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.contains("vigil-test"))).isEmpty();
        }
    }

    // ---------------------------------------------------------------- builders

    private static byte[] repeat(byte[] part, int times) {
        byte[] out = new byte[part.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(part, 0, out, i * part.length, part.length);
        }
        return out;
    }

    private static byte[] deflateZeros(long count) {
        Deflater d = new Deflater(9, true);
        var out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        byte[] buf = new byte[1 << 16];
        try {
            for (long left = count; left > 0; left -= zeros.length) {
                d.setInput(zeros, 0, (int) Math.min(zeros.length, left));
                while (!d.needsInput()) {
                    out.write(buf, 0, d.deflate(buf));
                }
            }
            d.finish();
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
        } finally {
            d.end();
        }
        return out.toByteArray();
    }

    /** A zip of one deflated entry of {@code size} zeros, written by hand (sizes and CRC known in advance). */
    private static byte[] zipOfDeflatedZeros(String name, long size) {
        byte[] data = deflateZeros(size);
        CRC32 crc = new CRC32();
        byte[] zeros = new byte[1 << 20];
        for (long left = size; left > 0; left -= zeros.length) {
            crc.update(zeros, 0, (int) Math.min(zeros.length, left));
        }
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(30 + n.length + data.length + 46 + n.length + 22)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putInt(0)
                .putInt((int) crc.getValue()).putInt(data.length).putInt((int) size)
                .putShort((short) n.length).putShort((short) 0).put(n).put(data);
        int cd = b.position();
        b.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 8)
                .putInt(0).putInt((int) crc.getValue()).putInt(data.length).putInt((int) size)
                .putShort((short) n.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                .putShort((short) 0).putInt(0).putInt(0).put(n);
        int cdSize = b.position() - cd;
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1)
                .putInt(cdSize).putInt(cd).putShort((short) 0);
        return b.array();
    }

    /** Overwrites the uncompressed size: {@code central} in the central directory, {@code local} locally. */
    private static void patchSizes(byte[] zip, long central, long local) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(22, (int) local);
        for (int i = zip.length - 22; i >= 0; i--) {
            if (b.getInt(i) == 0x02014b50) {
                b.putInt(i + 24, (int) central);
                return;
            }
        }
    }

    /**
     * The non-recursive overlapping bomb: entry i's compressed data is a stored deflate block that quotes the
     * local header of entry i+1, followed by entry i+1's data; the last entry's data is one deflated kernel. Every
     * entry expands to the whole kernel, while the archive holds it once.
     */
    private static byte[] overlappingZip(int entries, long kernelSize) {
        byte[] kernel = deflateZeros(kernelSize);
        List<byte[]> names = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            names.add(("f" + i).getBytes(StandardCharsets.US_ASCII));
        }
        // Work backwards: data[i] = quote(header[i+1]) + data[i+1].
        byte[][] headers = new byte[entries][];
        long[] dataSizes = new long[entries];
        long following = kernel.length;
        var tail = new ByteArrayOutputStream();
        List<byte[]> pieces = new ArrayList<>();
        pieces.add(kernel);
        for (int i = entries - 1; i >= 0; i--) {
            dataSizes[i] = following;
            headers[i] = localHeader(names.get(i), following, kernelSize);
            if (i > 0) {
                byte[] quote = storedBlockHeader(headers[i].length);
                pieces.add(0, headers[i]);
                pieces.add(0, quote);
                following += quote.length + headers[i].length;
            }
        }
        pieces.add(0, headers[0]);
        for (byte[] p : pieces) {
            tail.writeBytes(p);
        }
        byte[] body = tail.toByteArray();
        var out = new ByteArrayOutputStream();
        out.writeBytes(body);
        int cd = out.size();
        long offset = 0;
        for (int i = 0; i < entries; i++) {
            ByteBuffer c = ByteBuffer.allocate(46 + names.get(i).length).order(ByteOrder.LITTLE_ENDIAN);
            c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0)
                    .putShort((short) 8).putInt(0).putInt(0).putInt((int) dataSizes[i]).putInt((int) kernelSize)
                    .putShort((short) names.get(i).length).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) offset).put(names.get(i));
            out.writeBytes(c.array());
            offset += headers[i].length + (i + 1 < entries ? 5 : 0);
        }
        int cdSize = out.size() - cd;
        ByteBuffer e = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries)
                .putShort((short) entries).putInt(cdSize).putInt(cd).putShort((short) 0);
        out.writeBytes(e.array());
        return out.toByteArray();
    }

    private static byte[] localHeader(byte[] name, long compressed, long size) {
        ByteBuffer b = ByteBuffer.allocate(30 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 8).putInt(0).putInt(0)
                .putInt((int) compressed).putInt((int) size).putShort((short) name.length).putShort((short) 0)
                .put(name);
        return b.array();
    }

    /** A non-final stored deflate block of {@code length} bytes: the bytes that follow are copied out verbatim. */
    private static byte[] storedBlockHeader(int length) {
        return new byte[] {0, (byte) length, (byte) (length >> 8), (byte) ~length, (byte) (~length >> 8)};
    }

    /** Samples the used heap every few milliseconds on a daemon thread. */
    private static final class HeapPeak {
        private final Thread thread;
        private volatile boolean running = true;
        private volatile long peak;

        private HeapPeak() {
            thread = Thread.ofPlatform().daemon().start(() -> {
                while (running) {
                    peak = Math.max(peak, used());
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static HeapPeak start() {
            System.gc();
            return new HeapPeak();
        }

        long stop() throws InterruptedException {
            running = false;
            thread.join();
            return Math.max(peak, used());
        }

        private static long used() {
            long sum = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    sum += pool.getUsage().getUsed();
                }
            }
            return sum;
        }
    }
}
