package dev.vigil.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * YARA rules inside {@code vigil scan}: a .yar given with -d, found in a -d directory, or given with --rules, reported
 * as clamscan reports its own YARA matches ({@code YARA.<rule>.UNOFFICIAL}). The rules stay inside the subset
 * clamscan's YARA reader supports, so that clamscan is a fair oracle. Needs Vigil's YARA engine.
 */
class ScanYaraRulesTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void tree() throws Exception {
        Files.createDirectories(dir.resolve("db"));
        Files.createDirectories(dir.resolve("files"));
        Files.writeString(dir.resolve("db/r.yar"), """
                rule text_rule { strings: $a = "alpha" condition: $a }
                rule hex_rule { strings: $h = { 62 65 74 61 } condition: $h }
                rule both { strings: $a = "alpha" $b = "omega" condition: all of them }
                """);
        Files.writeString(dir.resolve("files/a.txt"), "alpha beta\n");
        Files.writeString(dir.resolve("files/b.txt"), "alpha omega\n");
        Files.writeString(dir.resolve("files/c.txt"), "nothing\n");
        // an MD5 signature for c.txt, so that ClamAV and YARA detections meet in one run
        Files.writeString(dir.resolve("db/h.hdb"), md5("nothing\n") + ":8:Vigil.Test.Hash\n");
    }

    private static String md5(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    private static void compare(List<String> clamArgs, List<String> vigilArgs) throws Exception {
        Oracle.assumeClamscan();
        Oracle.Output expected = Oracle.clamscan(dir, new byte[0], clamArgs);
        Oracle.Output actual = Oracle.vigil(dir, new byte[0], vigilArgs);
        assertThat(actual.stdoutLines()).containsExactlyElementsOf(expected.stdoutLines());
        assertThat(actual.exit()).isEqualTo(expected.exit());
    }

    @Test
    void yarFileGivenWithDatabase() throws Exception {
        compare(List.of("--no-summary", "-d", "db/r.yar", "files"),
                List.of("scan", "--no-summary", "-d", "db/r.yar", "files"));
    }

    @Test
    void yarFilesInDatabaseDirectory() throws Exception {
        compare(List.of("--no-summary", "-d", "db", "files"), List.of("scan", "--no-summary", "-d", "db", "files"));
    }

    @Test
    void rulesOptionAddsToClamAvDatabases() throws Exception {
        compare(List.of("--no-summary", "-d", "db/h.hdb", "-d", "db/r.yar", "files"),
                List.of("scan", "--no-summary", "-d", "db/h.hdb", "--rules", "db/r.yar", "files"));
    }

    @Test
    void allMatchReportsEveryRule() throws Exception {
        Oracle.assumeClamscan();
        // clamscan -z prints each YARA detection twice; Vigil prints it once, so compare distinct lines
        Oracle.Output expected = Oracle.clamscan(dir, new byte[0],
                List.of("--no-summary", "-z", "-d", "db/h.hdb", "-d", "db/r.yar", "files"));
        Oracle.Output actual = Oracle.vigil(dir, new byte[0],
                List.of("scan", "--no-summary", "-z", "-d", "db/h.hdb", "--rules", "db/r.yar", "files"));
        assertThat(actual.stdoutLines()).doesNotHaveDuplicates()
                .containsExactlyElementsOf(expected.stdoutLines().stream().distinct().toList());
    }

    @Test
    void knownVirusesCountsYaraRules() throws Exception {
        Oracle.assumeClamscan();
        Oracle.Output expected = Oracle.clamscan(dir, new byte[0], List.of("-d", "db", "files/c.txt"));
        Oracle.Output actual = Oracle.vigil(dir, new byte[0], List.of("scan", "-d", "db", "files/c.txt"));
        assertThat(line(actual, "Known viruses:")).isEqualTo(line(expected, "Known viruses:"));
    }

    @Test
    void brokenRulesStopTheScan() throws Exception {
        Files.writeString(dir.resolve("broken.yar"), "rule x { condition: undefined_thing }\n");
        Oracle.Output o = Oracle.vigil(dir, new byte[0], List.of("scan", "--rules", "broken.yar", "files"));
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.stderr()).startsWith("ERROR: Can't load YARA rules:").contains("broken.yar(1)");
    }

    @Test
    void rulesAreParsed() {
        assertThat(YaraSignatures.isYaraFile(Path.of("x/A.YAR"))).isTrue();
        assertThat(YaraSignatures.isYaraFile(Path.of("x.yara"))).isTrue();
        assertThat(YaraSignatures.isYaraFile(Path.of("x.yarc"))).isFalse();
        assertThat(YaraSignatures.detectionName("Rule_1")).isEqualTo("YARA.Rule_1.UNOFFICIAL");
    }

    private static String line(Oracle.Output o, String prefix) {
        return o.stdoutLines().stream().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
    }
}
