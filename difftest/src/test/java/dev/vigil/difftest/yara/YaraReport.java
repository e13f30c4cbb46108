package dev.vigil.difftest.yara;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one engine reported for a rule set over the corpus: per file, per matching rule, the string matches in the
 * form {@code yara -L -X} prints them (offset, length of the data kept, identifier, xor key).
 */
final class YaraReport {
    /** One string match; {@code line()} is yara's {@code -L -X} line without the plaintext. */
    record Hit(long offset, int length, String identifier, int xorKey) {
        String line() {
            return "0x" + Long.toHexString(offset) + ":" + length + ":" + identifier + ":xor(0x"
                    + String.format("%02x", xorKey) + ")";
        }
    }

    /** file -> rule -> hits, files and rules sorted by name (output order is not part of the comparison). */
    final Map<String, Map<String, List<Hit>>> matches = new TreeMap<>();
    /** Per-file errors ("error scanning ..."), by file. */
    final Map<String, String> errors = new TreeMap<>();
    /** Wall time of the scan, for the report. */
    long nanos;

    void add(String file, String rule, List<Hit> hits) {
        matches.computeIfAbsent(file, f -> new TreeMap<>()).put(rule, hits);
    }

    int ruleMatches() {
        return matches.values().stream().mapToInt(Map::size).sum();
    }
}
