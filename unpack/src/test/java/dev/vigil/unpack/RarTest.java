package dev.vigil.unpack;

import dev.vigil.engine.Engine;
import dev.vigil.unpack.archive.RarWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RAR archives: ClamAV's own RAR test files (RAR 2 and 3 compression, through junrar), RAR5 and RAR4 archives with
 * stored entries built by {@link RarWriter}, and hostile variants of both.
 */
@Timeout(60)
class RarTest {
    @TempDir
    static Path dir;
    static RecursiveScanner scanner;
    static Engine engine;

    @BeforeAll
    static void setUp() throws Exception {
        // A whole-file hash: stored entries show their bytes in the archive itself, so a body signature would
        // match the archive too; the hash matches only the extracted entry.
        String md5 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(payload()));
        engine = TestData.engine(dir, "payload.hdb", md5 + ":" + payload().length + ":Test.Payload\n");
        scanner = new RecursiveScanner(engine, Unpackers.defaults(), UnpackLimits.DEFAULT, dir);
    }

    private static DeepScanResult scan(byte[] rar) {
        return scanner.scan(rar, "a.rar", DeepScanOptions.DEFAULT.withAllMatch(true));
    }

    private static byte[] payload() {
        byte[] p = new byte[5000];
        Arrays.fill(p, (byte) 'x');
        System.arraycopy(TestData.EICAR, 0, p, 1234, TestData.EICAR.length);
        return p;
    }

    @Test
    void clamavRarTestFilesHoldClamExe() throws Exception {
        Path db = TestData.unitInput().resolve("clamav.hdb");
        Path scanfiles = TestData.unitInput().resolve("clamav_hdb_scanfiles");
        RecursiveScanner clamav = new RecursiveScanner(TestData.engine(db), Unpackers.defaults(),
                UnpackLimits.DEFAULT, dir);
        byte[] clamExe = TestData.unxor(Files.readAllBytes(scanfiles.resolve("clam.exe.xor")));
        String expected = clamav.scan(clamExe, "clam.exe", DeepScanOptions.DEFAULT).detections().getFirst().name();
        for (String name : List.of("clam-v2.rar", "clam-v3.rar")) {
            byte[] rar = TestData.unxor(Files.readAllBytes(scanfiles.resolve(name + ".xor")));
            DeepScanResult r = clamav.scan(rar, name, DeepScanOptions.DEFAULT);
            assertThat(r.errors()).as(name).isEmpty();
            assertThat(r.detections()).as(name).hasSize(1);
            assertThat(r.detections().getFirst().name()).isEqualTo(expected);
            assertThat(r.detections().getFirst().path()).containsExactly(name, "clam.exe");
            assertThat(r.detections().getFirst().containerTypes()).containsExactly("CL_TYPE_RAR");
        }
    }

    @Test
    void rar5StoredEntriesAreScanned() {
        byte[] rar = new RarWriter.Rar5().main(0).stored("readme.txt", "hello".getBytes(StandardCharsets.US_ASCII))
                .stored("dir/payload.bin", payload()).end().bytes();
        DeepScanResult r = scan(rar);
        assertThat(r.errors()).isEmpty();
        assertThat(r.objectsScanned()).isEqualTo(3);
        assertThat(r.detections()).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo("Test.Payload.UNOFFICIAL");
            assertThat(d.path()).containsExactly("a.rar", "dir/payload.bin");
        });
    }

    @Test
    void rar5CompressedEntryThatDoesNotDecodeIsAnError() {
        // Plain bytes labelled as method 3: the decoder fails on them; reported, never a crash or a hang.
        byte[] rar = new RarWriter.Rar5().main(0).file("packed.exe", payload(), 3, 0, 5000, null, true)
                .end().bytes();
        DeepScanResult r = scan(rar);
        assertThat(r.infected()).isFalse();
        assertThat(r.errors()).isNotEmpty().allSatisfy(e -> assertThat(e.message()).contains("packed.exe"));
    }

    @Test
    void rar5EncryptionIsReportedAsEncrypted() {
        byte[] entry = new RarWriter.Rar5().main(0).encryptedFile("secret.exe", payload()).end().bytes();
        DeepScanResult r = scanner.scan(entry, "a.rar", DeepScanOptions.DEFAULT.withAlertEncrypted(true));
        assertThat(r.encrypted()).containsExactly(List.of("a.rar", "secret.exe"));
        assertThat(r.detections()).extracting(DeepDetection::name).containsExactly("Heuristics.Encrypted.RAR");

        byte[] headers = new RarWriter.Rar5().encryptionHeader().raw(new byte[64]).bytes();
        DeepScanResult h = scanner.scan(headers, "a.rar", DeepScanOptions.DEFAULT.withAlertEncrypted(true));
        assertThat(h.encrypted()).containsExactly(List.of("a.rar", "(encrypted RAR5 headers)"));
        assertThat(h.detections()).extracting(DeepDetection::name).containsExactly("Heuristics.Encrypted.RAR");
    }

    @Test
    void rar5SplitEntryIsNotScannable() {
        byte[] rar = new RarWriter.Rar5().main(0x01).file("part.exe", payload(), 0, 0x10, 9000, null, false)
                .end().bytes();
        DeepScanResult r = scan(rar);
        assertThat(r.infected()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(e ->
                assertThat(e.message()).contains("part.exe", "multi-volume", "not scannable"));
    }

    @Test
    void rar5DataCrcMismatchIsReportedAfterTheScan() {
        byte[] rar = new RarWriter.Rar5().main(0).stored("payload.bin", payload()).end().bytes();
        int at = indexOf(rar, TestData.EICAR) + TestData.EICAR.length + 10;
        rar[at] ^= 1;
        DeepScanResult r = scan(rar);
        assertThat(r.objectsScanned()).isEqualTo(2);
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("CRC32 mismatch"));
    }

    @Test
    void rar5HeaderCrcWrongStopsBeforeTheEntry() {
        byte[] rar = new RarWriter.Rar5().main(0).stored("payload.bin", payload()).end().bytes();
        int name = indexOf(rar, "payload.bin".getBytes(StandardCharsets.US_ASCII));
        rar[name] = 'P';
        DeepScanResult r = scan(rar);
        assertThat(r.infected()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("header CRC32"));
    }

    @Test
    void rar5HugeVintAndLyingSizes() {
        // An 11-byte number as the header size: malformed, not a huge allocation.
        byte[] huge = new RarWriter.Rar5().raw(new byte[] {0, 0, 0, 0}).raw(ones(11)).raw(new byte[] {1}).bytes();
        assertThat(scan(huge).errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("RAR5"));
        // An unpacked size declared as 2^62 bytes for 5,000 stored bytes: never used, the entry is scanned whole.
        byte[] lying = new RarWriter.Rar5().main(0).stored("payload.bin", payload()).bytes();
        byte[] declared = new RarWriter.Rar5().main(0).file("payload.bin", payload(), 0, 0, 1L << 62, null, false)
                .end().bytes();
        DeepScanResult r = scan(declared);
        assertThat(r.infected()).isTrue();
        assertThat(r.errors()).isEmpty();
        // A data area that runs past the end of the file: what is there is scanned, the shortfall reported.
        byte[] cut = Arrays.copyOf(lying, lying.length - 100);
        DeepScanResult c = scan(cut);
        assertThat(c.objectsScanned()).isEqualTo(2);
        assertThat(c.errors()).extracting(DeepScanResult.UnpackError::message).containsExactly(
                "payload.bin: RAR5 entry truncated (4900 of 5000 bytes)",
                "RAR5 archive ends without its end-of-archive block (truncated)");
    }

    @Test
    void rar5WithoutItsEndBlockIsReportedAsTruncated() {
        byte[] rar = new RarWriter.Rar5().main(0).stored("payload.bin", payload()).bytes();
        DeepScanResult r = scan(rar);
        assertThat(r.infected()).isTrue();
        assertThat(r.errors()).singleElement().satisfies(e ->
                assertThat(e.message()).contains("without its end-of-archive block"));
    }

    @Test
    void truncatedArchivesNeverFail() {
        byte[] rar5 = new RarWriter.Rar5().main(0).stored("a", payload()).stored("b", payload()).end().bytes();
        byte[] rar4 = new RarWriter.Rar4(0).stored("a", payload()).stored("b", payload()).end().bytes();
        for (byte[] whole : List.of(rar5, rar4)) {
            for (int n = 0; n <= whole.length; n += 11) {
                DeepScanResult r = scan(Arrays.copyOf(whole, n));
                assertThat(r.objectsScanned()).isBetween(1, 3);
            }
        }
    }

    @Test
    void rarInRarIsBoundedByMaxRecursion() {
        byte[] inner = payload();
        for (int i = 0; i < 30; i++) {
            inner = i % 2 == 0 ? new RarWriter.Rar5().main(0).stored("l" + i + ".rar", inner).end().bytes()
                    : new RarWriter.Rar4(0).stored("l" + i + ".rar", inner).end().bytes();
        }
        DeepScanResult r = scan(inner);
        assertThat(r.infected()).isFalse();
        assertThat(r.limits()).extracting(DeepScanResult.LimitHit::limit).containsExactly("MaxRecursion");
        // The top level and one object per layer the recursion stack holds; nothing deeper.
        assertThat(r.objectsScanned()).isEqualTo(UnpackLimits.DEFAULT.maxRecursion());
    }

    @Test
    void rar4StoredEntriesGoThroughJunrar() {
        byte[] rar = new RarWriter.Rar4(0).stored("readme.txt", "hi".getBytes(StandardCharsets.US_ASCII))
                .stored("payload.bin", payload()).end().bytes();
        DeepScanResult r = scan(rar);
        assertThat(r.errors()).isEmpty();
        assertThat(r.detections()).singleElement().satisfies(d ->
                assertThat(d.path()).containsExactly("a.rar", "payload.bin"));
    }

    @Test
    void rar4EncryptedEntriesAndHeaders() {
        byte[] entry = new RarWriter.Rar4(0).file("secret.exe", payload(), 0x04, 5000).end().bytes();
        DeepScanResult r = scanner.scan(entry, "a.rar", DeepScanOptions.DEFAULT.withAlertEncrypted(true));
        assertThat(r.encrypted()).containsExactly(List.of("a.rar", "secret.exe"));
        assertThat(r.detections()).extracting(DeepDetection::name).containsExactly("Heuristics.Encrypted.RAR");

        byte[] headers = new RarWriter.Rar4(0x80).stored("x", payload()).bytes();
        DeepScanResult h = scanner.scan(headers, "a.rar", DeepScanOptions.DEFAULT.withAlertEncrypted(true));
        assertThat(h.encrypted()).containsExactly(List.of("a.rar", "(encrypted RAR headers)"));
    }

    @Test
    void rar4SplitEntryIsNotScannable() {
        byte[] rar = new RarWriter.Rar4(0x01).file("part.exe", payload(), 0x02, 90_000).end().bytes();
        DeepScanResult r = scan(rar);
        assertThat(r.infected()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(e ->
                assertThat(e.message()).contains("part.exe", "multi-volume", "not scannable"));
    }

    @Test
    void rar4LyingSizeIsNotTrusted() {
        // Declares 4 GiB unpacked for 5,000 stored bytes: junrar's CRC check fails, what was read is scanned.
        byte[] rar = new RarWriter.Rar4(0).file("payload.bin", payload(), 0, 0xffffffffL).end().bytes();
        DeepScanResult r = scan(rar);
        assertThat(r.infected()).isTrue();
    }

    /**
     * Found by fuzzing: an entry that junrar fails to decode in a solid archive used to leave the reader waiting
     * until MaxScanTime. ("Compressed" here is stored data labelled method 0x33, which junrar cannot decode.)
     */
    @Test
    @Timeout(10)
    void rar4SolidEntryThatFailsEndsTheArchiveAtOnce() {
        byte[] rar = new RarWriter.Rar4(0x08).stored("a", payload()).file("b", payload(), 0x10, 5000, 0x33)
                .stored("c", payload()).end().bytes();
        DeepScanResult r = scan(rar);
        assertThat(r.infected()).isTrue();
        assertThat(r.limits()).isEmpty();
        assertThat(r.errors()).extracting(DeepScanResult.UnpackError::message)
                .anySatisfy(m -> assertThat(m).startsWith("b: "))
                .anySatisfy(m -> assertThat(m).contains("solid RAR: entries after b"));
    }

    @Test
    void rar4StoredCrcMismatchIsReportedAfterTheScan() {
        byte[] rar = new RarWriter.Rar4(0).stored("payload.bin", payload()).end().bytes();
        rar[indexOf(rar, TestData.EICAR) + TestData.EICAR.length + 10] ^= 1;
        DeepScanResult r = scan(rar);
        assertThat(r.objectsScanned()).isEqualTo(2);
        assertThat(r.errors()).singleElement().satisfies(e -> assertThat(e.message()).contains("CRC32 mismatch"));
    }

    @Test
    void manyEntriesStopAtMaxFiles() {
        UnpackLimits few = new UnpackLimits(400L << 20, 100L << 20, 17, 50, 40L << 20, Duration.ofSeconds(60));
        RecursiveScanner s = new RecursiveScanner(engine, Unpackers.defaults(), few, dir);
        RarWriter.Rar5 rar5 = new RarWriter.Rar5().main(0);
        RarWriter.Rar4 rar4 = new RarWriter.Rar4(0);
        for (int i = 0; i < 5000; i++) {
            rar5.stored("f" + i, new byte[] {(byte) i});
            rar4.stored("f" + i, new byte[] {(byte) i});
        }
        for (byte[] rar : List.of(rar5.end().bytes(), rar4.end().bytes())) {
            DeepScanResult r = s.scan(rar, "many.rar", DeepScanOptions.DEFAULT);
            assertThat(r.objectsScanned()).isEqualTo(51);
            assertThat(r.limits()).extracting(DeepScanResult.LimitHit::limit).contains("MaxFiles");
        }
    }

    @Test
    void rar4DeadlineStopsExtraction() {
        UnpackLimits instant = new UnpackLimits(400L << 20, 100L << 20, 17, 100, 40L << 20, Duration.ofNanos(1));
        RecursiveScanner s = new RecursiveScanner(engine, List.of(new dev.vigil.unpack.archive.RarUnpacker()),
                instant, dir);
        byte[] rar = new RarWriter.Rar4(0).stored("payload.bin", payload()).end().bytes();
        DeepScanResult r = s.scan(rar, "a.rar", DeepScanOptions.DEFAULT);
        assertThat(r.infected()).isFalse();
        assertThat(r.limits()).extracting(DeepScanResult.LimitHit::limit).contains("MaxScanTime");
    }

    private static byte[] ones(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) 0xff);
        return b;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }

    @SuppressWarnings("unused")
    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
