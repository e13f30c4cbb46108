package dev.vigil.difftest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The harness's reading of clamscan, checked against the real clamscan's output. */
class ClamscanOutputTest {

    @TempDir
    Path dir;

    private ClamscanRun scan(String ndb, boolean allMatch) throws IOException {
        Path db = dir.resolve("t.ndb");
        Files.writeString(db, ndb);
        Path inputs = Files.createDirectories(dir.resolve("in"));
        Files.writeString(inputs.resolve("both.txt"), "ALPHA-ONE BRAVO-TWO");
        Files.writeString(inputs.resolve("one.txt"), "only ALPHA-ONE");
        Files.writeString(inputs.resolve("none.txt"), "nothing");
        Files.write(inputs.resolve("empty"), new byte[0]);
        Files.createDirectories(inputs.resolve("sub: dir"));
        Files.writeString(inputs.resolve("sub: dir/x: y.txt"), "BRAVO-TWO");
        return new Clamscan(Oracles.clamscan()).scan(List.of(db),
                ClamscanFlags.forGroup(PeMode.PARSE, allMatch, dir), inputs);
    }

    private static final String TWO_SIGS = "T.Alpha:0:*:414c5048412d4f4e45\nT.Bravo:0:*:425241564f2d54574f\n";

    @Test
    void everyFoundLineBecomesOnePairAndEveryInputHasAVerdict() throws IOException {
        ClamscanRun run = scan(TWO_SIGS, true);
        Path root = dir.resolve("in");
        List<String> files = new InputGroup("in", root, PeMode.PARSE).files();
        ScanOutcome outcome = ClamscanOutput.parse(run, root, files);

        long foundLines = run.stdout().lines().filter(l -> l.endsWith(" FOUND")).count();
        assertThat(outcome.detections().values().stream().mapToInt(java.util.Set::size).sum())
                .isEqualTo((int) foundLines).isPositive();
        assertThat(outcome.detections().keySet()).containsExactlyInAnyOrderElementsOf(files);
        assertThat(outcome.errors()).isEmpty();
        assertThat(ClamscanOutput.databaseFailure(run)).isEmpty();
        // Paths with ": " in them are still attributed to the right file.
        assertThat(outcome.detections().get("sub: dir/x: y.txt")).hasSize(1);
    }

    @Test
    void allMatchReportsAtLeastAsManyPairsAsFirstMatch() throws IOException {
        Path root = dir.resolve("in");
        ScanOutcome all = ClamscanOutput.parse(scan(TWO_SIGS, true), root,
                new InputGroup("in", root, PeMode.PARSE).files());
        ScanOutcome first = ClamscanOutput.parse(scan(TWO_SIGS, false), root,
                new InputGroup("in", root, PeMode.PARSE).files());
        assertThat(all.detections().get("both.txt")).hasSizeGreaterThan(first.detections().get("both.txt").size());
        for (String file : all.detections().keySet()) {
            assertThat(first.infected(file)).as(file).isEqualTo(all.infected(file));
        }
    }

    @Test
    void aMalformedDatabaseIsReportedAsARefusal() throws IOException {
        ClamscanRun run = scan("T.Bad:0:*:41zz\n", false);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(ClamscanOutput.databaseFailure(run)).get().asString().contains("Malformed database");
    }

    @Test
    void outputThatDoesNotCoverTheInputsIsAHarnessError() throws IOException {
        ClamscanRun run = scan(TWO_SIGS, false);
        Path root = dir.resolve("in");
        List<String> withExtra = new java.util.ArrayList<>(new InputGroup("in", root, PeMode.PARSE).files());
        withExtra.add("never-scanned.bin");
        assertThatThrownBy(() -> ClamscanOutput.parse(run, root, withExtra))
                .hasMessageContaining("no verdict for never-scanned.bin");
        assertThatThrownBy(() -> ClamscanOutput.parse(run, root, List.of("one.txt")))
                .hasMessageContaining("line for no known input");
    }
}
