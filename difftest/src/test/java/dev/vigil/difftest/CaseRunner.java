package dev.vigil.difftest;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.engine.Engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs one case in one mode: clamscan once per input group, Vigil on the same files, then the comparison. Vigil's
 * engine is built once per case and reused by both modes.
 */
public final class CaseRunner {
    private final Clamscan clamscan;
    private final Path scratch;
    private final Map<String, Loaded> engines = new ConcurrentHashMap<>();
    private final KnownDifferences known;

    public CaseRunner(Clamscan clamscan, Path scratch) throws IOException {
        this.clamscan = clamscan;
        this.scratch = scratch;
        this.known = KnownDifferences.load();
    }

    /** Vigil's load of a case: an engine, or the exception its loader threw. */
    private record Loaded(Engine engine, Exception failure) {
        static Loaded of(DiffCase c) {
            try {
                return new Loaded(VigilScanner.load(c.databases()), null);
            } catch (DatabaseException | IOException | RuntimeException e) {
                return new Loaded(null, e);
            }
        }
    }

    /**
     * Compares the case. With {@code allMatch} the (file, signature) pairs must be identical, without it the
     * per-file verdicts. A database clamscan refuses must be refused by Vigil's loader too.
     */
    public void check(DiffCase c, boolean allMatch) throws IOException {
        Loaded vigil = engines.computeIfAbsent(c.name(), k -> Loaded.of(c));
        String mode = allMatch ? "--allmatch" : "first match";
        List<String> failures = new ArrayList<>();
        for (InputGroup group : c.groups()) {
            ClamscanRun run = clamscan.scan(c.databases(), ClamscanFlags.forGroup(group.mode(), allMatch, scratch),
                    group.root());
            Optional<String> refused = ClamscanOutput.databaseFailure(run);
            if (refused.isPresent()) {
                if (!(vigil.failure() instanceof DatabaseException)) {
                    throw new AssertionError("case " + c.name() + ": clamscan refused the databases but Vigil's "
                            + "loader did not throw DatabaseException\n  clamscan: "
                            + refused.get().replace("\n", "\n            ") + "\n  command: " + run.commandLine()
                            + "\n  vigil: " + (vigil.failure() == null ? "loaded them" : vigil.failure()),
                            vigil.failure());
                }
                return; // both refused: nothing to scan
            }
            if (vigil.failure() != null && !(vigil.failure() instanceof DatabaseException)) {
                throw new AssertionError("case " + c.name() + ": clamscan loaded the databases but Vigil's loader "
                        + "failed with something other than DatabaseException\n  command: " + run.commandLine(),
                        vigil.failure());
            }
            if (vigil.failure() != null) {
                fail("case " + c.name() + ": clamscan loaded the databases but Vigil refused them: "
                        + vigil.failure().getMessage() + "\n  command: " + run.commandLine());
            }
            List<String> files = group.files();
            ScanOutcome expected = ClamscanOutput.parse(run, group.root(), files);
            ScanOutcome actual = VigilScanner.scan(vigil.engine(), group.root(), files, allMatch);
            List<String> diffs = allMatch ? Comparison.pairs(expected, actual) : Comparison.verdicts(expected, actual);
            if (allMatch) {
                List<String> stale = new ArrayList<>();
                diffs = known.unexpected(c.name(), group.label(), diffs, stale);
                stale.forEach(s -> failures.add("case " + c.name() + " [" + group.label() + "]: " + s));
            }
            if (!diffs.isEmpty()) {
                String what = allMatch ? "(file, signature) pairs differ" : "verdicts differ";
                failures.add(Comparison.describe("case " + c.name() + " [" + group.label() + ", " + mode + "] "
                        + what + " (clamscan " + count(expected, allMatch) + ", vigil " + count(actual, allMatch)
                        + ", " + files.size() + " files)", diffs)
                        + "\n  root: " + group.root()
                        + "\n  command: " + run.commandLine()
                        + (run.stderr().isBlank() ? "" : "\n  clamscan stderr: " + run.stderr().strip()));
            }
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n\n", failures));
        }
    }

    private static String count(ScanOutcome outcome, boolean allMatch) {
        if (allMatch) {
            return outcome.detections().values().stream().mapToInt(java.util.Set::size).sum() + " pairs";
        }
        return outcome.detections().keySet().stream().filter(outcome::infected).count() + " infected";
    }
}
