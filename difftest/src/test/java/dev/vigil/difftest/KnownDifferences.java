package dev.vigil.difftest;

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
 * Differences from clamscan that are known and documented, read from {@code known-differences.txt}: each line names
 * a case, an input group, one difference exactly as {@link Comparison} writes it, and why it exists (a feature not
 * built yet). A comparison must show exactly the listed differences: a new one fails, and so does a listed one
 * that no longer occurs, so the list (and the README that cites it) never goes stale.
 */
final class KnownDifferences {
    private static final String RESOURCE = "/known-differences.txt";
    private final Map<String, String> reasons = new LinkedHashMap<>();

    private KnownDifferences() {
    }

    static KnownDifferences load() throws IOException {
        KnownDifferences k = new KnownDifferences();
        try (InputStream in = KnownDifferences.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return k;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 4 || f[3].isBlank()) {
                    throw new IOException(RESOURCE + ":" + n + ": want case<TAB>group<TAB>difference<TAB>reason");
                }
                k.reasons.put(key(f[0], f[1], f[2]), f[3]);
            }
        }
        return k;
    }

    private static String key(String caseName, String group, String diff) {
        return caseName + "\t" + group + "\t" + diff.replaceAll("\\s+", " ").strip();
    }

    /**
     * Splits observed differences into unexpected ones (returned) and known ones; adds to {@code stale} the known
     * differences of this case and group that were not observed.
     */
    List<String> unexpected(String caseName, String group, List<String> observed, List<String> stale) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String d : observed) {
            String k = key(caseName, group, d);
            if (reasons.containsKey(k)) {
                seen.add(k);
            } else {
                out.add(d);
            }
        }
        String prefix = caseName + "\t" + group + "\t";
        for (Map.Entry<String, String> e : reasons.entrySet()) {
            if (e.getKey().startsWith(prefix) && !seen.contains(e.getKey())) {
                stale.add("listed as a known difference but no longer observed (update known-differences.txt "
                        + "and the README): " + e.getKey().substring(prefix.length()));
            }
        }
        return out;
    }
}
