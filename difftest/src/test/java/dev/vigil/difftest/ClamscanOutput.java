package dev.vigil.difftest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads clamscan's per-file lines ({@code --no-summary}): {@code PATH: OK}, {@code PATH: Empty file},
 * {@code PATH: NAME FOUND} (one per match with {@code --allmatch}) and {@code PATH: REASON ERROR}. Lines are matched
 * against the known input paths rather than split at a colon, since signature names and paths may contain colons.
 * Anything it cannot account for is an error of the harness, never silently dropped.
 */
public final class ClamscanOutput {

    private ClamscanOutput() {
    }

    /** Why clamscan refused its databases (exit code 2, no scan output), or empty if it loaded them. */
    public static Optional<String> databaseFailure(ClamscanRun run) {
        if (run.exitCode() != 2) {
            return Optional.empty();
        }
        List<String> errors = run.stderr().lines().filter(l -> l.startsWith("ERROR: ")).toList();
        boolean scanned = run.stdout().lines().anyMatch(l -> !l.isBlank());
        return errors.isEmpty() || scanned ? Optional.empty() : Optional.of(run.stderr().strip());
    }

    /**
     * Parses the scan lines of {@code run}, which scanned {@code root}. {@code inputs} are the files under it, as
     * paths relative to {@code root}; each must be reported exactly once (OK, Empty file, ERROR) or one or more
     * times as FOUND.
     *
     * @throws IllegalStateException when the output does not account for the inputs exactly
     */
    public static ScanOutcome parse(ClamscanRun run, Path root, List<String> inputs) {
        Map<String, String> byAbsolute = new TreeMap<>();
        for (String rel : inputs) {
            byAbsolute.put(root.resolve(rel).toString(), rel);
        }
        TreeMap<String, SortedSet<String>> detections = new TreeMap<>();
        TreeMap<String, String> errors = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String line : run.stdout().lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            String rel = null;
            String verdict = null;
            for (int i = line.indexOf(": "); i >= 0; i = line.indexOf(": ", i + 1)) {
                String candidate = byAbsolute.get(line.substring(0, i));
                if (candidate != null) {
                    rel = candidate;
                    verdict = line.substring(i + 2);
                    break;
                }
            }
            if (rel == null) {
                problems.add("line for no known input: " + line);
                continue;
            }
            if (verdict.endsWith(" FOUND")) {
                detections.computeIfAbsent(rel, k -> new TreeSet<>())
                        .add(verdict.substring(0, verdict.length() - " FOUND".length()));
            } else if (verdict.equals("OK") || verdict.equals("Empty file")) {
                if (detections.putIfAbsent(rel, new TreeSet<>()) != null) {
                    problems.add("second verdict for " + rel + ": " + line);
                }
            } else if (verdict.endsWith(" ERROR")) {
                errors.put(rel, verdict.substring(0, verdict.length() - " ERROR".length()));
            } else {
                problems.add("unrecognised verdict: " + line);
            }
        }
        for (String rel : inputs) {
            if (!detections.containsKey(rel) && !errors.containsKey(rel)) {
                problems.add("no verdict for " + rel);
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("clamscan output does not match its inputs (exit " + run.exitCode()
                    + "):\n  " + String.join("\n  ", problems) + "\ncommand: " + run.commandLine()
                    + "\nstderr:\n" + run.stderr());
        }
        return new ScanOutcome(detections, errors);
    }
}
