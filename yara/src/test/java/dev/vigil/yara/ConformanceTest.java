package dev.vigil.yara;

import dev.vigil.yara.ConformanceCases.Case;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * YARA's own test-suite, as data (../shared/conformance/yara/cases.jsonl): every case that YARA 4.5.2 passes must pass
 * here. Cases Vigil does not pass yet are listed, each with its reason, in conformance-known-failures.txt; the list
 * is demanded exactly, so a case that starts passing must be taken off it (the count only goes up).
 */
class ConformanceTest {

    /** Externals the upstream tests define for every rule. */
    static YaraCompiler compiler() {
        return new YaraCompiler()
                .defineExternal("var_zero", 0L)
                .defineExternal("var_one", 1L)
                .defineExternal("var_true", Boolean.TRUE)
                .defineExternal("var_false", Boolean.FALSE);
    }

    /** The 5 bytes upstream scans when a test gives no data. */
    static final byte[] DUMMY = "dummy".getBytes(StandardCharsets.US_ASCII);

    @Test
    void yaraTestSuite() throws Exception {
        Path dir = ConformanceCases.dir();
        List<Case> cases = ConformanceCases.load();
        Set<String> skipped = new HashSet<>(ConformanceCases.sources(dir.resolve("skipped.txt")));
        Set<String> notIn452 = new HashSet<>(ConformanceCases.sources(dir.resolve("known-yara-4.5.2-failures.txt")));
        Path knownFile = Path.of("src/test/resources/conformance-known-failures.txt");
        Set<String> known = new HashSet<>(ConformanceCases.sources(knownFile));

        Map<String, int[]> perKind = new TreeMap<>(); // kind -> [cases, pass, fail, skipped]
        List<String> failing = new ArrayList<>();
        List<String> details = new ArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "conformance");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Case c : cases) {
                int[] k = perKind.computeIfAbsent(c.kind(), x -> new int[4]);
                k[0]++;
                if (skipped.contains(c.src()) || notIn452.contains(c.src())) {
                    k[3]++;
                    continue;
                }
                String why;
                Future<String> f = pool.submit(() -> run(c, dir));
                try {
                    why = f.get(20, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    f.cancel(true);
                    why = "timed out";
                    // A stuck case keeps its thread; start a fresh one for the rest.
                    pool.shutdownNow();
                    pool = Executors.newSingleThreadExecutor();
                } catch (java.util.concurrent.ExecutionException e) {
                    why = "threw " + e.getCause();
                }
                if (why == null) {
                    k[1]++;
                } else {
                    k[2]++;
                    failing.add(c.src());
                    details.add(c.src() + "\t" + c.kind() + "\t" + why.replace('\n', ' '));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        StringBuilder summary = new StringBuilder("kind\tcases\tpass\tfail\tskipped\n");
        int[] total = new int[4];
        perKind.forEach((kind, k) -> {
            summary.append(kind).append('\t').append(k[0]).append('\t').append(k[1]).append('\t').append(k[2])
                    .append('\t').append(k[3]).append('\n');
            for (int i = 0; i < 4; i++) {
                total[i] += k[i];
            }
        });
        summary.append("total\t").append(total[0]).append('\t').append(total[1]).append('\t').append(total[2])
                .append('\t').append(total[3]).append('\n');
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/conformance-summary.txt"), summary);
        Files.write(Path.of("target/conformance-failures.txt"), details);

        Set<String> nowFailing = new HashSet<>(failing);
        Set<String> newFailures = new HashSet<>(nowFailing);
        newFailures.removeAll(known);
        Set<String> fixed = new HashSet<>(known);
        fixed.removeAll(nowFailing);
        assertThat(newFailures).as("cases that fail but are not in %s (see target/conformance-failures.txt)\n%s",
                knownFile, summary).isEmpty();
        assertThat(fixed).as("cases in %s that pass now: take them off the list", knownFile).isEmpty();
    }

    /** Runs one case; null when it passes, else why not. */
    static String run(Case c, Path dir) throws Exception {
        String rule = c.rule().replace("./tests/data/", dir.resolve("data").toAbsolutePath() + "/");
        YaraCompiler compiler = compiler().strictEscape(c.kind().equals("warnings_strict_escape"));
        YaraRules rules;
        try {
            compiler.addSource(rule, "default", "rule.yar");
            rules = compiler.compile();
        } catch (YaraCompileException e) {
            return c.kind().equals("error") ? null : "compile error: " + e.getMessage();
        }
        switch (c.kind()) {
            case "error":
                return "compiled, but YARA refuses it (" + c.expectedStr() + ")";
            case "warnings":
            case "warnings_strict_escape": {
                int n = compiler.warnings().size();
                if (c.expected() == 0) {
                    return n == 0 ? null : "warned: " + compiler.warnings();
                }
                return n >= c.expected() ? null : n + " warnings, expected at least " + c.expected();
            }
            default:
                break;
        }
        YaraScanResult result;
        if (c.kind().equals("rule_file")) {
            Path file = dir.resolve(c.dataFile().replaceFirst("^tests/", ""));
            result = rules.scan(file, YaraScanOptions.DEFAULT);
        } else {
            result = rules.scan(c.data() == null ? DUMMY : c.data(), YaraScanOptions.DEFAULT);
        }
        int matched = result.matches().size();
        return switch (c.kind()) {
            case "rule", "rule_file" -> (matched > 0) == (c.expected() == 1) ? null
                    : (matched > 0 ? "matched" : "did not match");
            case "match_count" -> matched == c.expected() ? null : matched + " rules matched";
            case "capture" -> capture(result, c.expectedStr().getBytes(StandardCharsets.ISO_8859_1));
            default -> "unknown kind " + c.kind();
        };
    }

    private static String capture(YaraScanResult result, byte[] expected) {
        if (result.matches().isEmpty()) {
            return "did not match";
        }
        List<String> seen = new ArrayList<>();
        for (RuleMatch m : result.matches()) {
            for (RuleMatch.StringMatch s : m.strings()) {
                if (s.length() == expected.length && Arrays.equals(s.data(), expected)) {
                    return null;
                }
                seen.add(new String(s.data(), StandardCharsets.ISO_8859_1));
            }
        }
        return "captured " + seen;
    }
}
