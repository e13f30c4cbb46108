package dev.vigil.clamav.cvd;

import dev.vigil.clamav.DatabaseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.vigil.clamav.cvd.Containers.container;
import static dev.vigil.clamav.cvd.Containers.firstLine;
import static dev.vigil.clamav.cvd.Containers.gzip;
import static dev.vigil.clamav.cvd.Containers.member;
import static dev.vigil.clamav.cvd.Containers.members;
import static dev.vigil.clamav.cvd.Containers.replace;
import static dev.vigil.clamav.cvd.Containers.tar;
import static dev.vigil.clamav.cvd.Containers.testCvd;
import static dev.vigil.clamav.cvd.Containers.without;
import static dev.vigil.clamav.cvd.Containers.withoutDsig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CvdContainerTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void officialTestContainersOpenAndVerify(int number) throws Exception {
        CvdContainer cvd = CvdContainer.open(testCvd(number), true);

        assertThat(cvd.kind()).isEqualTo(CvdContainer.Kind.CVD);
        assertThat(cvd.header().version()).isEqualTo(number);
        assertThat(cvd.entries()).isNotEmpty();
        assertThat(cvd.entries()).extracting(CvdContainer.Entry::name)
                .doesNotContain("COPYING", "test.info").allMatch(name -> name.startsWith("test."));
        assertThat(CvdContainer.readHeader(testCvd(number))).isEqualTo(cvd.header());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6})
    void headerAgreesWithSigtoolInfo(int number) throws Exception {
        Oracles.Result info = Oracles.sigtool(tmp, "--info", testCvd(number).toString());
        assertThat(info.exitCode()).as(info.output()).isZero();
        Map<String, String> fields = info.output().lines().filter(l -> l.contains(": "))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(": ")), l -> l.substring(l.indexOf(": ") + 2),
                        (a, b) -> a));

        CvdContainer.Header header = CvdContainer.readHeader(testCvd(number));

        assertThat(header.version()).isEqualTo(Integer.parseInt(fields.get("Version")));
        assertThat(header.signatures()).isEqualTo(Integer.parseInt(fields.get("Signatures")));
        assertThat(header.functionalityLevel()).isEqualTo(Integer.parseInt(fields.get("Functionality level")));
        assertThat(header.builder()).isEqualTo(fields.get("Builder"));
        assertThat(header.md5()).isEqualTo(fields.get("MD5"));
        assertThat(header.signature()).isEqualTo(fields.get("Digital signature"));
        // sigtool prints the stored "14-58" as "14:58".
        assertThat(header.buildTime().replaceFirst("(\\d\\d)-(\\d\\d)", "$1:$2")).isEqualTo(fields.get("Build time"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 6})
    void entriesAreTheFilesSigtoolUnpacks(int number) throws Exception {
        Path unpacked = Files.createDirectory(tmp.resolve("unpacked"));
        Oracles.Result result = Oracles.sigtool(unpacked, "--unpack", testCvd(number).toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        Map<String, byte[]> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(unpacked)) {
            for (Path f : files.filter(f -> DatabaseNames.isDatabase(f.getFileName().toString())).toList()) {
                expected.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }

        Map<String, byte[]> actual = new TreeMap<>();
        CvdContainer.open(testCvd(number), true).entries().forEach(e -> actual.put(e.name(), e.content()));

        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((name, bytes) -> assertThat(actual.get(name)).as(name).isEqualTo(bytes));
    }

    @Test
    void flippedHeaderSignatureIsRefused() throws Exception {
        byte[] bytes = Files.readAllBytes(testCvd(1));
        String header = new String(bytes, 0, 512, StandardCharsets.ISO_8859_1);
        int dsig = header.indexOf(':', header.indexOf(CvdContainer.readHeader(testCvd(1)).md5())) + 10;
        bytes[dsig] = (byte) (bytes[dsig] == 'a' ? 'b' : 'a');

        assertRefused(bytes, "t.cvd", "header digital signature does not verify", "Can't verify");
    }

    @Test
    void flippedCompressedByteIsRefusedByTheMd5() throws Exception {
        byte[] bytes = Files.readAllBytes(testCvd(6));
        bytes[512 + (bytes.length - 512) / 2] ^= 0x10;

        assertRefused(bytes, "t.cvd", "MD5 of the container body is", "Can't verify");
        assertThatThrownBy(() -> CvdContainer.open(bytes, CvdContainer.Kind.CVD, "t.cvd", false,
                CvdContainer.Limits.DEFAULT)).isInstanceOf(DatabaseException.class);
    }

    @Test
    void truncatedContainerIsRefused() throws Exception {
        byte[] whole = Files.readAllBytes(testCvd(6));
        byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);

        assertRefused(half, "t.cvd", "MD5 of the container body is", "Can't verify");
        assertThatThrownBy(() -> CvdContainer.open(half, CvdContainer.Kind.CVD, "t.cvd", false,
                CvdContainer.Limits.DEFAULT)).isInstanceOf(DatabaseException.class)
                .hasMessageContaining("compressed body is corrupt or truncated");
        assertRefused(java.util.Arrays.copyOf(whole, 300), "t.cvd", "shorter than the 512-byte container header",
                "Broken or not a CVD file");
    }

    @Test
    void rebuiltLocalContainerVerifiesLikeClamscan() throws Exception {
        byte[] cld = localContainer(members(Files.readAllBytes(testCvd(6))));

        CvdContainer opened = CvdContainer.open(write("rebuilt.cld", cld), true);

        assertThat(opened.kind()).isEqualTo(CvdContainer.Kind.CLD);
        assertThat(opened.entries()).extracting(CvdContainer.Entry::name)
                .containsExactlyElementsOf(CvdContainer.open(testCvd(6), true).entries().stream()
                        .map(CvdContainer.Entry::name).toList());
        assertClamscanLoads(write("clam/rebuilt.cld", cld));
    }

    @Test
    void alteredDatabaseFileIsCaughtByInfo() throws Exception {
        List<TarReader.Member> members = members(Files.readAllBytes(testCvd(6)));
        byte[] hdb = contentOf(members, "test.hdb").clone();
        hdb[3] ^= 1;
        List<TarReader.Member> altered = replace(members, "test.hdb", hdb);

        assertRefused(localContainer(altered), "t.cld", "test.hdb: SHA-256 does not match test.info",
                "Invalid checksum for file test.hdb");

        // The same archive in a .cvd whose header MD5 is recomputed: the header signature catches it first, and
        // with signatures switched off the .info listing still does.
        byte[] body = gzip(tar(altered));
        String line = new String(Files.readAllBytes(testCvd(6)), 0, 512, StandardCharsets.ISO_8859_1).strip();
        String[] fields = line.split(":");
        fields[5] = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        byte[] cvd = container(String.join(":", fields), body);
        assertRefused(cvd, "t.cvd", "header digital signature does not verify", "Can't verify");
        assertThatThrownBy(() -> CvdContainer.open(cvd, CvdContainer.Kind.CVD, "t.cvd", false,
                CvdContainer.Limits.DEFAULT)).hasMessageContaining("test.hdb: SHA-256 does not match test.info");
    }

    @Test
    void resizedDatabaseFileIsCaughtByInfo() throws Exception {
        List<TarReader.Member> members = members(Files.readAllBytes(testCvd(6)));
        byte[] ndb = contentOf(members, "test.ndb");
        assertThat(ndb[ndb.length - 1]).isEqualTo((byte) '\n');
        // Dropping the final line end keeps every line valid for the .ndb parser; only the size differs.
        byte[] shorter = java.util.Arrays.copyOf(ndb, ndb.length - 1);

        assertRefused(localContainer(replace(members, "test.ndb", shorter)), "t.cld",
                "test.ndb has " + shorter.length + " bytes but test.info lists " + ndb.length,
                "test.ndb not correctly loaded");
    }

    @Test
    void missingInfoIsRefused() throws Exception {
        List<TarReader.Member> members = members(Files.readAllBytes(testCvd(6)));
        String headerLine = firstLine(contentOf(members, "test.info"));
        byte[] cld = container(headerLine, tar(without(members, "test.info")));

        assertRefused(cld, "t.cld", "container has no .info file", "Corrupted CVD header");
    }

    @Test
    void unlistedDatabaseFileIsRefused() throws Exception {
        List<TarReader.Member> members = new ArrayList<>(members(Files.readAllBytes(testCvd(6))));
        members.add(member("extra.ndb", "Extra.Sig:0:*:414243\n"));

        assertRefused(localContainer(members), "t.cld", "extra.ndb is not listed in test.info",
                "File extra.ndb not found in .info");
    }

    @Test
    void unlistedFileWithoutDatabaseExtensionIsIgnoredLikeClamscan() throws Exception {
        List<TarReader.Member> members = new ArrayList<>(members(Files.readAllBytes(testCvd(6))));
        members.add(member("README", "not a database\n"));
        byte[] cld = localContainer(members);

        assertThat(CvdContainer.open(cld, CvdContainer.Kind.CLD, "t.cld", true, CvdContainer.Limits.DEFAULT)
                .entries()).extracting(CvdContainer.Entry::name).doesNotContain("README");
        assertClamscanLoads(write("clam/readme.cld", cld));
    }

    @Test
    void fileListedButAbsentIsAcceptedLikeClamscan() throws Exception {
        byte[] cld = localContainer(without(members(Files.readAllBytes(testCvd(6))), "test.fp"));

        assertThat(CvdContainer.open(cld, CvdContainer.Kind.CLD, "t.cld", true, CvdContainer.Limits.DEFAULT)
                .entries()).extracting(CvdContainer.Entry::name).doesNotContain("test.fp").contains("test.hdb");
        assertClamscanLoads(write("clam/nofp.cld", cld));
    }

    @Test
    void alteredInfoFailsItsSignature() throws Exception {
        List<TarReader.Member> members = members(Files.readAllBytes(testCvd(6)));
        byte[] info = contentOf(members, "test.info").clone();
        int digit = new String(info, StandardCharsets.ISO_8859_1).indexOf("test.hdb:") + "test.hdb:".length();
        info[digit] = (byte) (info[digit] == '1' ? '2' : '1');

        assertRefused(localContainer(replace(members, "test.info", info)), "t.cld",
                "test.info line 20: digital signature (DSIG) does not verify", "Incorrect digital signature");
    }

    @Test
    void unsignedContainerNeedsNoDsig() throws Exception {
        List<TarReader.Member> members = members(Files.readAllBytes(testCvd(6)));
        byte[] info = withoutDsig(contentOf(members, "test.info")).getBytes(StandardCharsets.ISO_8859_1);
        byte[] cud = container(firstLine(info), gzip(tar(replace(members, "test.info", info))));

        CvdContainer opened = CvdContainer.open(write("u.cud", cud), true);

        assertThat(opened.kind()).isEqualTo(CvdContainer.Kind.CUD);
        assertThat(opened.entries()).hasSameSizeAs(CvdContainer.open(testCvd(6), true).entries());
        assertClamscanLoads(write("clam/u.cud", cud));
    }

    @Test
    void unsignedContainerWithDsigLineIsRefusedLikeClamscan() throws Exception {
        byte[] bytes = Files.readAllBytes(testCvd(6));

        assertRefused(bytes, "t.cud", "test.info line 20: expected name:size:sha256", "Problem parsing database");
    }

    @Test
    void infoHeaderMustMatchContainerHeader() throws Exception {
        List<TarReader.Member> members = members(Files.readAllBytes(testCvd(6)));
        byte[] info = withoutDsig(contentOf(members, "test.info")).getBytes(StandardCharsets.ISO_8859_1);
        String other = firstLine(info).replace(":6:14:", ":7:14:");
        assertThat(other).isNotEqualTo(firstLine(info));

        assertRefused(container(other, gzip(tar(replace(members, "test.info", info)))), "t.cud",
                "does not match the container header", "Corrupted CVD header");
    }

    @Test
    void declaredSizesCannotExceedTheLimits() throws Exception {
        byte[] huge = new byte[1024];
        System.arraycopy(Containers.tarHeader("big.ndb", 077777777777L, (byte) '0'), 0, huge, 0, 512);
        byte[] cud = container("ClamAV-VDB:t:1:1:1:X:X:me:1", huge);

        assertThatThrownBy(() -> CvdContainer.open(cud, CvdContainer.Kind.CUD, "t.cud", true,
                CvdContainer.Limits.DEFAULT)).hasMessageContaining("declares 8589934591 bytes, over the limit");

        CvdContainer.Limits small = new CvdContainer.Limits(1 << 20, 1000, 1 << 20);
        List<TarReader.Member> members = members(Files.readAllBytes(testCvd(6)));
        assertThatThrownBy(() -> CvdContainer.open(Files.readAllBytes(testCvd(6)), CvdContainer.Kind.CVD, "t.cvd",
                true, small)).hasMessageContaining("\"COPYING\" declares 17992 bytes, over the limit of 1000");
        CvdContainer.Limits tinyTotal = new CvdContainer.Limits(1 << 20, 1 << 20, 10_000);
        assertThatThrownBy(() -> CvdContainer.open(Files.readAllBytes(testCvd(6)), CvdContainer.Kind.CVD, "t.cvd",
                true, tinyTotal)).hasMessageContaining("unpacked archive exceeds the limit of 10000 bytes");
        CvdContainer.Limits tinyFile = new CvdContainer.Limits(1000, 1000, 1000);
        assertThatThrownBy(() -> CvdContainer.open(testCvd(6), true, tinyFile))
                .hasMessageContaining("over the limit of 1000 bytes");
        assertThat(members).isNotEmpty();
    }

    @Test
    void lyingSizeIsTruncationNotAllocation() throws Exception {
        byte[] archive = new byte[512 + 512];
        System.arraycopy(Containers.tarHeader("lie.ndb", 500_000_000L, (byte) '0'), 0, archive, 0, 512);
        byte[] cud = container("ClamAV-VDB:t:1:1:1:X:X:me:1", archive);

        assertThatThrownBy(() -> CvdContainer.open(cud, CvdContainer.Kind.CUD, "t.cud", true,
                CvdContainer.Limits.DEFAULT)).hasMessageContaining("\"lie.ndb\" is truncated: 500000000 bytes declared");
    }

    @Test
    void onlyContainerExtensionsAreOpened() throws Exception {
        Path other = write("test.ndb", Files.readAllBytes(testCvd(1)));

        assertThatThrownBy(() -> CvdContainer.open(other, true)).isInstanceOf(DatabaseException.class)
                .hasMessageContaining("not a .cvd, .cld or .cud file");
    }

    @Test
    void readHeaderRefusesShortFiles() throws Exception {
        Path shortFile = write("short.cvd", "ClamAV-VDB:x".getBytes(StandardCharsets.US_ASCII));

        assertThatThrownBy(() -> CvdContainer.readHeader(shortFile)).isInstanceOf(DatabaseException.class)
                .hasMessageContaining("shorter than the 512-byte container header");
    }

    /** A .cld as freshclam leaves it: the .info header line as container header, plain tar. */
    static byte[] localContainer(List<TarReader.Member> members) {
        return container(firstLine(contentOf(members, "test.info")), tar(members));
    }

    static byte[] contentOf(List<TarReader.Member> members, String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow().content();
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path path = tmp.resolve(name);
        Files.createDirectories(path.getParent());
        return Files.write(path, bytes);
    }

    /** Our refusal names the problem, and clamscan refuses the same bytes for the same reason. */
    private void assertRefused(byte[] bytes, String name, String ourMessage, String clamscanMessage) throws Exception {
        CvdContainer.Kind kind = CvdContainer.Kind.of(Path.of(name));
        assertThatThrownBy(() -> CvdContainer.open(bytes, kind, name, true, CvdContainer.Limits.DEFAULT))
                .isInstanceOf(DatabaseException.class).hasMessageContaining(ourMessage);
        Path dir = Files.createDirectories(tmp.resolve("refused-" + System.nanoTime()));
        Oracles.Result clamscan = Oracles.clamscanLoad(Files.write(dir.resolve(name), bytes), tmp);
        assertThat(clamscan.exitCode()).as(clamscan.output()).isEqualTo(2);
        assertThat(clamscan.output()).contains(clamscanMessage);
    }

    private void assertClamscanLoads(Path database) throws Exception {
        Oracles.Result clamscan = Oracles.clamscanLoad(database, tmp);
        assertThat(clamscan.exitCode()).as(clamscan.output()).isZero();
        assertThat(clamscan.output()).contains("Known viruses:");
    }
}
