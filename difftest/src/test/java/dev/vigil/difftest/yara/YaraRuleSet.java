package dev.vigil.difftest.yara;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One rule set of the differential test: rule files compiled together into the default namespace (as
 * {@code yara f1 f2 ... target}), with the external variables the set needs.
 *
 * @param name      stable name, used in known-differences.txt
 * @param files     rule files, in order
 * @param externals {@code -d} definitions, as yara types them (here: strings only)
 */
record YaraRuleSet(String name, List<Path> files, Map<String, String> externals) {

    /** signature-base uses these; yara-rules and the others need none (research note, section 5). */
    static final Map<String, String> SIGNATURE_BASE_EXTERNALS = externals("filename", "filepath", "extension",
            "filetype", "owner");

    private static Map<String, String> externals(String... names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : names) {
            m.put(n, "");
        }
        return Map.copyOf(m);
    }

    /** Every rule set under {@code shared/signatures/yara}; {@code full=false} gives the CI sample. */
    static List<YaraRuleSet> discover(Path shared, boolean full) throws IOException {
        Path root = shared.resolve("signatures/yara");
        List<YaraRuleSet> sets = new ArrayList<>();
        Path yaraRules = root.resolve("yara-rules");
        if (Files.isDirectory(yaraRules)) {
            // the index files include the set's rules; index.yar includes them all (slow: full runs only)
            List<String> indexes = full
                    ? List.of("packers_index.yar", "antidebug_antivm_index.yar", "capabilities_index.yar",
                    "crypto_index.yar", "cve_rules_index.yar", "email_index.yar", "exploit_kits_index.yar",
                    "maldocs_index.yar", "malware_index.yar", "webshells_index.yar", "index.yar")
                    : List.of("packers_index.yar", "antidebug_antivm_index.yar", "capabilities_index.yar",
                    "crypto_index.yar");
            for (String index : indexes) {
                Path p = yaraRules.resolve(index);
                if (Files.isRegularFile(p)) {
                    sets.add(new YaraRuleSet("yara-rules/" + index, List.of(p), Map.of()));
                }
            }
        }
        Path signatureBase = root.resolve("signature-base/yara");
        if (Files.isDirectory(signatureBase)) {
            sets.add(new YaraRuleSet("signature-base", ruleFiles(signatureBase, ".yar"), SIGNATURE_BASE_EXTERNALS));
        }
        Path bartblaze = root.resolve("bartblaze/rules");
        if (Files.isDirectory(bartblaze)) {
            sets.add(new YaraRuleSet("bartblaze", ruleFiles(bartblaze, ".yar"), Map.of()));
        }
        Path inquest = root.resolve("inquest");
        if (Files.isDirectory(inquest)) {
            sets.add(new YaraRuleSet("inquest", ruleFiles(inquest, ".rule"), Map.of()));
        }
        return sets;
    }

    static List<Path> ruleFiles(Path dir, String extension) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(extension))
                    .sorted().toList();
        }
    }

    /** The same set restricted to the given files (those that compile). */
    YaraRuleSet withFiles(List<Path> kept) {
        return new YaraRuleSet(name, List.copyOf(kept), externals);
    }

    /** yara's -d arguments for the externals. */
    List<String> defineArgs() {
        List<String> args = new ArrayList<>();
        externals.forEach((k, v) -> {
            args.add("-d");
            args.add(k + "=" + v);
        });
        return args;
    }
}
