package dev.vigil.difftest;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Compares what clamscan and Vigil reported for one group of inputs. The result lists every difference on its own
 * line, so a failure names the files and signatures at once.
 */
public final class Comparison {
    /** Failure messages list at most this many differences, then a count of the rest. */
    static final int MAX_LISTED = 200;

    private Comparison() {
    }

    /** All-match: the set of (file, signature name) pairs must be the same. */
    public static List<String> pairs(ScanOutcome clamscan, ScanOutcome vigil) {
        List<String> diffs = new ArrayList<>(errors(clamscan, vigil));
        SortedSet<String> files = new TreeSet<>(clamscan.detections().keySet());
        files.addAll(vigil.detections().keySet());
        for (String file : files) {
            if (clamscan.errors().containsKey(file) || vigil.errors().containsKey(file)) {
                continue;
            }
            SortedSet<String> expected = clamscan.detections().getOrDefault(file, new TreeSet<>());
            SortedSet<String> actual = vigil.detections().getOrDefault(file, new TreeSet<>());
            for (String name : expected) {
                if (!actual.contains(name)) {
                    diffs.add("only clamscan: " + file + " -> " + name);
                }
            }
            for (String name : actual) {
                if (!expected.contains(name)) {
                    diffs.add("only vigil:    " + file + " -> " + name);
                }
            }
        }
        return diffs;
    }

    /** Without all-match: each file's clean/infected verdict must be the same (names may differ). */
    public static List<String> verdicts(ScanOutcome clamscan, ScanOutcome vigil) {
        List<String> diffs = new ArrayList<>(errors(clamscan, vigil));
        SortedSet<String> files = new TreeSet<>(clamscan.detections().keySet());
        files.addAll(vigil.detections().keySet());
        for (String file : files) {
            if (clamscan.errors().containsKey(file) || vigil.errors().containsKey(file)) {
                continue;
            }
            boolean expected = clamscan.infected(file);
            boolean actual = vigil.infected(file);
            if (expected != actual) {
                diffs.add(file + ": clamscan " + verdict(clamscan, file) + ", vigil " + verdict(vigil, file));
            }
        }
        return diffs;
    }

    private static String verdict(ScanOutcome outcome, String file) {
        return outcome.infected(file) ? "INFECTED " + outcome.detections().get(file) : "clean";
    }

    /** A file that only one engine failed to scan is a difference; one both failed on is not compared. */
    private static List<String> errors(ScanOutcome clamscan, ScanOutcome vigil) {
        List<String> diffs = new ArrayList<>();
        SortedSet<String> files = new TreeSet<>(clamscan.errors().keySet());
        files.addAll(vigil.errors().keySet());
        for (String file : files) {
            String c = clamscan.errors().get(file);
            String v = vigil.errors().get(file);
            if (c == null || v == null) {
                diffs.add("error on one side: " + file + ": clamscan " + (c == null ? "scanned it" : "ERROR " + c)
                        + ", vigil " + (v == null ? "scanned it" : "ERROR " + v));
            }
        }
        return diffs;
    }

    /** A failure message: the header, then the differences (capped at {@link #MAX_LISTED}). */
    public static String describe(String header, List<String> diffs) {
        StringBuilder sb = new StringBuilder(header).append(": ").append(diffs.size()).append(" difference")
                .append(diffs.size() == 1 ? "" : "s");
        int shown = Math.min(diffs.size(), MAX_LISTED);
        for (int i = 0; i < shown; i++) {
            sb.append("\n  ").append(diffs.get(i));
        }
        if (diffs.size() > shown) {
            sb.append("\n  ... and ").append(diffs.size() - shown).append(" more");
        }
        return sb.toString();
    }
}
