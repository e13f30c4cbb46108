package dev.vigil.yara.condition;

import dev.vigil.yara.modules.Modules;
import dev.vigil.yara.syntax.IncludeResolver;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs the cases of YARA's own test-suite (../shared/conformance/yara/cases.jsonl) that the front end and the
 * condition evaluator decide alone: compile errors, condition warnings, and rules without strings.
 */
class ConformanceTest {

    static final Map<String, Object> EXTERNALS = Map.of("var_zero", 0L, "var_one", 1L, "var_true", true,
            "var_false", false);

    /** Lowest pass counts reached; a drop is a regression. */
    static final Map<String, Integer> MINIMUM_PASSING = Map.of("error", 70, "warnings", 35, "rule", 178,
            "match_count", 5);

    /** Cases decided here that still fail, exactly. */
    static final TreeSet<String> KNOWN_FAILURES = new TreeSet<>(List.of(
            "test-rules.c:345")); // 4.5.2 itself compiles it (known-yara-4.5.2-failures.txt)

    private static Path dir;
    private static final List<Map<String, Object>> CASES = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException {
        String shared = System.getProperty("vigil.shared", "../../shared");
        dir = Path.of(shared, "conformance", "yara");
        Path file = dir.resolve("cases.jsonl");
        assumeTrue(Files.exists(file), "conformance data absent: " + file);
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                CASES.add(Json.object(line));
            }
        }
    }

    private static final Pattern IMPORT = Pattern.compile("import\\s+\"([^\"]*)\"");

    /** Why this branch cannot decide the case alone, or null. */
    static String skipReason(Map<String, Object> c) {
        String kind = (String) c.get("kind");
        String rule = (String) c.get("rule");
        Matcher m = IMPORT.matcher(rule);
        while (m.find()) {
            if (m.group(1).matches("\\w+") && !modules().containsKey(m.group(1))) {
                return "module " + m.group(1) + " not in this build";
            }
        }
        switch (kind) {
            case "error" -> {
                String code = (String) c.get("expected_str");
                if (code.equals("ERROR_INVALID_HEX_STRING") || code.equals("ERROR_INVALID_REGULAR_EXPRESSION")) {
                    return "hex/regex body error (strings helper)";
                }
            }
            case "warnings" -> {
                long expected = (Long) c.get("expected");
                if (expected >= 1 && !rule.contains(" of ")) {
                    return "string warning (strings helper)";
                }
            }
            case "rule", "match_count" -> {
                if (rule.contains("tests.match")) {
                    return "needs the regex engine";
                }
                if (rule.contains("strings:")) {
                    return "needs string matching";
                }
                if (rule.contains(" matches ")) {
                    return "needs the regex engine";
                }
            }
            default -> {
                return "kind " + kind + " needs string matching";
            }
        }
        return null;
    }

    /** The built-in modules plus the test-only {@code tests} module. */
    static Map<String, dev.vigil.yara.modules.YaraModule> modules() {
        Map<String, dev.vigil.yara.modules.YaraModule> m = new java.util.HashMap<>(Modules.builtIn());
        m.put("tests", new TestsModule());
        return m;
    }

    static IncludeResolver resolver() {
        IncludeResolver fs = IncludeResolver.fileSystem();
        return (including, path) -> fs.resolve(including,
                path.startsWith("./tests/data/") ? dir.resolve("data").resolve(path.substring(13)).toString() : path);
    }

    static RuleSetCompiler.Result compile(String rule) {
        var source = new RuleSetCompiler.Source("default", "rule.yar", rule.getBytes(StandardCharsets.ISO_8859_1));
        return RuleSetCompiler.compile(List.of(source), EXTERNALS,
                new RuleSetCompiler.Options(resolver(), modules()));
    }

    /** True when the case passes. */
    static boolean run(Map<String, Object> c) {
        String kind = (String) c.get("kind");
        long expected = (Long) c.get("expected");
        RuleSetCompiler.Result r = compile((String) c.get("rule"));
        switch (kind) {
            case "error":
                return !r.ok();
            case "warnings":
                return r.ok() && (expected == 0 ? r.warnings().isEmpty() : r.warnings().size() >= expected);
            default: {
                if (!r.ok()) {
                    return false;
                }
                String hex = (String) c.get("data_hex");
                byte[] data = hex == null ? "dummy".getBytes(StandardCharsets.US_ASCII) : HexFormat.of().parseHex(hex);
                boolean[] matched = r.rules().evaluate(TestContexts.of(data, Map.of(),
                        Map.of("tests", new TestsModule().values())));
                int count = 0;
                for (int i = 0; i < matched.length; i++) {
                    if (matched[i] && !r.rules().rules().get(i).isPrivate()) {
                        count++;
                    }
                }
                return kind.equals("match_count") ? count == expected : (count > 0) == (expected == 1);
            }
        }
    }

    @Test
    void passCountsDoNotDropAndFailuresAreKnown() {
        Map<String, int[]> perKind = new TreeMap<>();
        Map<String, Integer> skipped = new TreeMap<>();
        TreeSet<String> failures = new TreeSet<>();
        for (Map<String, Object> c : CASES) {
            String kind = (String) c.get("kind");
            String reason = skipReason(c);
            if (reason != null) {
                skipped.merge(kind + ": " + reason, 1, Integer::sum);
                continue;
            }
            int[] counts = perKind.computeIfAbsent(kind, k -> new int[2]);
            boolean pass;
            try {
                pass = run(c);
            } catch (RuntimeException e) {
                pass = false;
            }
            counts[pass ? 0 : 1]++;
            if (!pass) {
                failures.add((String) c.get("src"));
            }
        }
        perKind.forEach((k, v) -> System.out.println("conformance " + k + ": pass " + v[0] + " fail " + v[1]));
        skipped.forEach((k, v) -> System.out.println("skipped " + k + ": " + v));
        System.out.println("failing: " + failures);
        MINIMUM_PASSING.forEach((kind, min) ->
                assertThat(perKind.getOrDefault(kind, new int[2])[0]).as(kind).isGreaterThanOrEqualTo(min));
        assertThat(failures).isEqualTo(KNOWN_FAILURES);
    }
}
