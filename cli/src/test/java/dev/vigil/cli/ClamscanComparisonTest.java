package dev.vigil.cli;

import dev.vigil.clamav.DefaultSignatures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real clamscan and vigil on the same tree with the same arguments and compares everything they print and
 * their exit status. clamscan gets Vigil's built-in signatures as a .hdb file, so "Known viruses" agrees; the inputs
 * are clean (and small), so the comparison holds whatever the matcher does. Only the engine version, the times and
 * the dates are masked, after checking their format.
 */
class ClamscanComparisonTest {
    private static final List<Pattern> VARYING = List.of(
            Pattern.compile("^(Engine version: )\\S+$"),
            Pattern.compile("^(Time: )\\d+\\.\\d{3} sec \\(\\d+ m \\d+ s\\)$"),
            Pattern.compile("^(Start Date: )\\d{4}:\\d\\d:\\d\\d \\d\\d:\\d\\d:\\d\\d$"),
            Pattern.compile("^(End Date:   )\\d{4}:\\d\\d:\\d\\d \\d\\d:\\d\\d:\\d\\d$"));

    @TempDir
    static Path tmp;
    static Path tree;
    static Path database;

    @BeforeAll
    static void buildTree() throws IOException, InterruptedException {
        tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("a.txt"), "hello\n");
        Files.writeString(tree.resolve("b.bin"), "x".repeat(3000));
        Files.createFile(tree.resolve("empty"));
        Path sub = Files.createDirectories(tree.resolve("sub/deeper"));
        Files.writeString(tree.resolve("sub/f1"), "one\n");
        Files.writeString(sub.resolve("f2"), "two\n");
        Files.createSymbolicLink(tree.resolve("link_a"), Path.of("a.txt"));
        Files.createSymbolicLink(tree.resolve("link_sub"), Path.of("sub"));
        Files.createSymbolicLink(tree.resolve("dangling"), Path.of("nowhere"));
        Files.createDirectories(tree.resolve("loop"));
        Files.createSymbolicLink(tree.resolve("loop/self"), Path.of("../loop"));
        Process mkfifo = new ProcessBuilder("mkfifo", tree.resolve("fifo").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();

        database = tmp.resolve("defaults.hdb");
        StringBuilder hdb = new StringBuilder();
        DefaultSignatures.signatures().forEach(s -> hdb.append(HexFormat.of().formatHex(s.digest())).append(':')
                .append(s.size()).append(':').append(s.name()).append('\n'));
        Files.writeString(database, hdb);
    }

    static Stream<List<String>> sameOutput() {
        return Stream.of(
                List.of("a.txt", "empty", "missing", "sub"),
                List.of("-r", "."),
                List.of("."),
                List.of("--no-summary", "-r", "sub/"),
                List.of("link_a", "link_sub", "dangling"),
                List.of("link_sub/"),
                List.of("fifo"),
                List.of("/dev/null", "a.txt"),
                List.of("-i", "-r", ".", "missing"),
                List.of("-o", "-r", "."),
                List.of("--infected", "--suppress-ok-results", "a.txt"),
                List.of("--follow-dir-symlinks=2", "--follow-file-symlinks=2", "-r", "."),
                List.of("--follow-dir-symlinks=2", "."),
                List.of("--follow-dir-symlinks=0", "--follow-file-symlinks=0", "link_a", "link_sub"),
                List.of("--follow-file-symlinks=0", "link_a", "link_sub"),
                List.of("--max-dir-recursion=1", "-r", "."),
                List.of("--max-dir-recursion", "2", "-r", "."),
                List.of("--recursive=yes", "sub"),
                List.of("--recursive=no", "sub"),
                List.of("-"),
                List.of(),
                List.of("--max-filesize=2", "a.txt", "b.bin"),
                List.of("--max-filesize=4k", "a.txt", "b.bin"),
                List.of("--alert-exceeds-max", "--max-filesize=2", "a.txt", "empty"),
                List.of("--allmatch", "-z", "a.txt"),
                List.of("--detect-pua", "a.txt"));
    }

    @ParameterizedTest
    @MethodSource
    void sameOutput(List<String> args) throws Exception {
        compare(args, "hello from stdin\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void emptyStdinIsOkNotEmptyFile() throws Exception {
        compare(List.of("-"), new byte[0]);
    }

    @Test
    void manyFilesInParallelKeepClamscanOrder() throws Exception {
        Path many = Files.createDirectories(tmp.resolve("many"));
        for (int i = 0; i < 300; i++) {
            Files.writeString(many.resolve("f" + i), "file " + i + "\n".repeat(i % 7));
        }
        Files.createFile(many.resolve("zero"));
        Oracle.assumeClamscan();
        Oracle.Output ref = Oracle.clamscan(many, new byte[0], clamscanArgs(List.of("--no-summary", ".")));
        for (String threads : List.of("1", "2", "8")) {
            Oracle.Output vigil = Oracle.vigil(many, new byte[0], List.of("scan", "--threads", threads, "--no-summary", "."));
            assertThat(vigil.stdoutLines()).as("--threads " + threads).isEqualTo(ref.stdoutLines());
            assertThat(vigil.exit()).isEqualTo(ref.exit());
        }
    }

    /** Command lines clamscan refuses: both exit 2 (the messages differ). */
    @ParameterizedTest
    @MethodSource
    void sameExitStatusForBadCommandLines(List<String> args) throws Exception {
        Oracle.assumeClamscan();
        Oracle.Output ref = Oracle.clamscan(tree, new byte[0], clamscanArgs(args));
        Oracle.Output vigil = Oracle.vigil(tree, new byte[0], vigilArgs(args));
        assertThat(ref.exit()).isEqualTo(2);
        assertThat(vigil.exit()).as(vigil.stderr()).isEqualTo(ref.exit());
        assertThat(vigil.stderr()).startsWith("ERROR: ");
    }

    static Stream<List<String>> sameExitStatusForBadCommandLines() {
        return Stream.of(
                List.of("--bogus", "a.txt"),
                List.of("--max-filesize=1X", "a.txt"),
                List.of("--max-scansize=-1", "a.txt"),
                List.of("--follow-dir-symlinks=3", "a.txt"),
                List.of("--recursive=maybe", "a.txt"));
    }

    private static void compare(List<String> args, byte[] stdin) throws Exception {
        Oracle.assumeClamscan();
        Oracle.Output ref = Oracle.clamscan(tree, stdin, clamscanArgs(args));
        Oracle.Output vigil = Oracle.vigil(tree, stdin, vigilArgs(args));
        // clamscan scans its working directory by its absolute name when given no path.
        assertThat(mask(vigil.stdoutLines())).as("stdout").isEqualTo(mask(ref.stdoutLines()));
        assertThat(vigil.stderrLines()).as("stderr").isEqualTo(ref.stderrLines());
        assertThat(vigil.exit()).as("exit status").isEqualTo(ref.exit());
    }

    static List<String> clamscanArgs(List<String> args) {
        List<String> a = new ArrayList<>(List.of("-d", database.toString()));
        a.addAll(args);
        return a;
    }

    static List<String> vigilArgs(List<String> args) {
        List<String> a = new ArrayList<>(List.of("scan", "--no-progress"));
        a.addAll(args);
        return a;
    }

    /** Replaces what legitimately differs (version, times, dates) after checking it has clamscan's format. */
    static List<String> mask(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String masked = line;
            for (Pattern p : VARYING) {
                var m = p.matcher(line);
                if (m.matches()) {
                    masked = m.group(1) + "<varies>";
                }
            }
            out.add(masked);
        }
        return out;
    }
}
