package dev.vigil.bench;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DatabaseGeneratorTest {
    private static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Za-z]+\\.[A-Z][A-Za-z]+\\.[A-Za-z]+-\\d{7,}-\\d");
    private static final DatabaseGenerator.Config SMALL =
            new DatabaseGenerator.Config(5, 3_000, 4_000, DatabaseGenerator.DEFAULT_SOURCES, 8L << 20);

    @TempDir
    static Path shared;
    static Path db;
    static DatabaseGenerator.Summary summary;

    @BeforeAll
    static void generate() throws IOException {
        db = shared.resolve("db");
        summary = DatabaseGenerator.generate(SMALL, db);
    }

    private static List<String> lines(String extension) throws IOException {
        return Files.readAllLines(db.resolve(DatabaseGenerator.BASE_NAME + extension), StandardCharsets.US_ASCII);
    }

    @Test
    void writesTheRequestedMixOfFiles() throws IOException {
        assertThat(lines(".hsb")).hasSize(1350);
        assertThat(lines(".mdb")).hasSize(1350);
        assertThat(lines(".hdb")).hasSize(300);
        assertThat(lines(".ndb")).hasSize(2200);
        assertThat(lines(".ldb")).hasSize(1800);
        assertThat(summary.total()).isEqualTo(7_000);
    }

    @Test
    void sameSeedGivesSameBytesAndAnotherSeedDoesNot(@TempDir Path other) throws IOException {
        DatabaseGenerator.generate(SMALL, other.resolve("again"));
        DatabaseGenerator.generate(new DatabaseGenerator.Config(6, 3_000, 4_000, SMALL.sourceDirs(), SMALL.poolBytes()),
                other.resolve("seed6"));
        for (String ext : List.of(".hsb", ".hdb", ".mdb", ".ndb", ".ldb")) {
            String name = DatabaseGenerator.BASE_NAME + ext;
            assertThat(Files.mismatch(db.resolve(name), other.resolve("again").resolve(name))).as(ext).isEqualTo(-1);
            assertThat(Files.mismatch(db.resolve(name), other.resolve("seed6").resolve(name))).as(ext).isNotEqualTo(-1);
        }
    }

    @Test
    void hashLinesHaveTheOfficialFieldOrder() throws IOException {
        for (String l : lines(".hsb")) {
            String[] f = l.split(":");
            assertThat(f).hasSize(3);
            assertThat(f[0]).matches("[0-9a-f]{64}");
            assertThat(Long.parseLong(f[1])).isPositive();
            assertThat(f[2]).matches(NAME);
        }
        for (String l : lines(".hdb")) {
            assertThat(l).matches("[0-9a-f]{32}:\\d+:" + NAME.pattern());
        }
        for (String l : lines(".mdb")) {
            String[] f = l.split(":");
            assertThat(Long.parseLong(f[0]) % 512).as("section sizes are file-aligned: " + l).isZero();
            assertThat(f[1]).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void bodySignaturesAreMostlyPlainHexWithAFewPercentSpecials() throws IOException {
        List<String> ndb = lines(".ndb");
        long special = ndb.stream().map(l -> l.split(":", 4)[3]).filter(h -> !h.matches("[0-9a-f]+")).count();
        assertThat(special).isBetween(ndb.size() / 100L, ndb.size() * 5L / 100);
        long anywhere = ndb.stream().filter(l -> l.split(":")[2].equals("*")).count();
        assertThat(anywhere).isGreaterThan(ndb.size() * 3L / 4);
        for (String l : lines(".ldb")) {
            String[] f = l.split(";");
            assertThat(f[0]).matches(NAME);
            assertThat(f[1]).matches("(Engine:\\d+-255,)?Target:\\d+(,FileSize:\\d+-\\d+)?");
            assertThat(f.length - 3).isBetween(2, 6);
        }
    }

    /** Patterns are cut from the very files of the pool, yet (noise inserted) almost none occurs in them. */
    @Test
    void plainPatternsAreAbsentFromTheFilesTheyWereCutFrom() throws IOException {
        SourcePool pool = SourcePool.load(SMALL.sourceDirs(), SMALL.poolBytes(), SMALL.seed());
        StringBuilder all = new StringBuilder();
        for (SourcePool.Source s : pool.sources()) {
            all.append(new String(s.bytes(), StandardCharsets.ISO_8859_1)).append('\n');
        }
        String haystack = all.toString();
        List<String> plain = lines(".ndb").stream().map(l -> l.split(":", 4))
                .filter(f -> f[2].equals("*") && f[3].matches("[0-9a-f]+") && !f[0].startsWith("Unix."))
                .map(f -> new String(HexFormat.of().parseHex(f[3]), StandardCharsets.ISO_8859_1))
                .limit(150).toList();
        long found = plain.stream().filter(haystack::contains).count();
        assertThat(plain).hasSizeGreaterThan(100);
        assertThat(found).isLessThanOrEqualTo(2);
        // The anchors stay realistic: most 3-byte heads do occur in real files.
        long heads = plain.stream().filter(p -> haystack.contains(p.substring(0, 3))).count();
        assertThat(heads).isGreaterThan(plain.size() / 2L);
    }

    @Test
    void clamscanLoadsEverySignature() throws Exception {
        assumeTrue(Files.isExecutable(CLAMSCAN) || Boolean.getBoolean("vigil.requireOracles"),
                "clamscan is not installed");
        Path empty = Files.createFile(shared.resolve("empty"));
        Process p = new ProcessBuilder(CLAMSCAN.toString(), "-d", db.toString(), empty.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("Known viruses: " + summary.total());
    }
}
