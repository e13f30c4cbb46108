package dev.vigil.difftest.yara;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Known differences from yara 4.5.2, read from {@code yara-known-differences.txt}: rule set, difference exactly as
 * {@link YaraComparison} prints it, and why. The test demands exactly the listed ones: an unlisted difference fails,
 * and so does a listed one that no longer occurs. Files outside the corpus of a run (a system binary another
 * machine lacks) are not checked for staleness: only lines whose file was scanned count.
 */
final class YaraKnownDifferences {
    static final String RESOURCE = "/yara-known-differences.txt";
    private final Map<String, String> reasons = new LinkedHashMap<>();

    static YaraKnownDifferences load() throws IOException {
        YaraKnownDifferences k = new YaraKnownDifferences();
        try (InputStream in = YaraKnownDifferences.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return k;
            }
            k.read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
        }
        return k;
    }

    void read(BufferedReader r) throws IOException {
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 3 || f[2].isBlank()) {
                throw new IOException(RESOURCE + ":" + n + ": want ruleset<TAB>difference<TAB>reason");
            }
            reasons.put(f[0] + "\t" + f[1].strip(), f[2]);
        }
    }

    /** Unexpected differences; {@code stale} receives listed ones about scanned files that did not occur. */
    List<String> unexpected(String ruleSet, List<String> observed, java.util.Set<String> scannedFiles,
                            List<String> stale) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String d : observed) {
            String key = ruleSet + "\t" + d.strip();
            if (reasons.containsKey(key)) {
                seen.add(key);
            } else {
                out.add(d);
            }
        }
        for (String key : reasons.keySet()) {
            if (key.startsWith(ruleSet + "\t") && !seen.contains(key)
                    && scannedFiles.stream().anyMatch(key::contains)) {
                stale.add("listed in " + RESOURCE + " but not observed: " + key.substring(ruleSet.length() + 1));
            }
        }
        return out;
    }
}
