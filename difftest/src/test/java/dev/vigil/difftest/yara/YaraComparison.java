package dev.vigil.difftest.yara;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The differences between two reports, one per line: {@code only yara: FILE -> RULE}, {@code only vigil: FILE ->
 * RULE}, {@code strings differ: FILE -> RULE: yara LINE | vigil LINE} (first differing string line, for the files
 * whose strings are compared), {@code error differs: FILE: yara ... | vigil ...}.
 */
final class YaraComparison {
    private YaraComparison() {
    }

    static List<String> differences(YaraReport yara, YaraReport vigil, Predicate<String> compareStrings) {
        List<String> out = new ArrayList<>();
        TreeSet<String> files = new TreeSet<>(yara.matches.keySet());
        files.addAll(vigil.matches.keySet());
        for (String file : files) {
            Map<String, List<YaraReport.Hit>> y = yara.matches.getOrDefault(file, Map.of());
            Map<String, List<YaraReport.Hit>> v = vigil.matches.getOrDefault(file, Map.of());
            TreeSet<String> rules = new TreeSet<>(y.keySet());
            rules.addAll(v.keySet());
            for (String rule : rules) {
                if (!v.containsKey(rule)) {
                    out.add("only yara: " + file + " -> " + rule);
                } else if (!y.containsKey(rule)) {
                    out.add("only vigil: " + file + " -> " + rule);
                } else if (compareStrings.test(file)) {
                    String d = firstDifference(y.get(rule), v.get(rule));
                    if (d != null) {
                        out.add("strings differ: " + file + " -> " + rule + ": " + d);
                    }
                }
            }
        }
        TreeSet<String> errorFiles = new TreeSet<>(yara.errors.keySet());
        errorFiles.addAll(vigil.errors.keySet());
        for (String f : errorFiles) {
            String a = yara.errors.get(f);
            String b = vigil.errors.get(f);
            if (a == null || !a.equals(b)) {
                out.add("error differs: " + f + ": yara " + a + " | vigil " + b);
            }
        }
        return out;
    }

    /** Hits in yara's order (declaration, then offset); yara's -p threads do not reorder within a rule. */
    static String firstDifference(List<YaraReport.Hit> yara, List<YaraReport.Hit> vigil) {
        int n = Math.max(yara.size(), vigil.size());
        for (int i = 0; i < n; i++) {
            String a = i < yara.size() ? yara.get(i).line() : "(none)";
            String b = i < vigil.size() ? vigil.get(i).line() : "(none)";
            if (!a.equals(b)) {
                return "#" + i + " yara " + a + " | vigil " + b + " (" + yara.size() + " vs " + vigil.size()
                        + " lines)";
            }
        }
        return null;
    }
}
