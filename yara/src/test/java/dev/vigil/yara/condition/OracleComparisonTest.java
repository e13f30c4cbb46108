package dev.vigil.yara.condition;

import dev.vigil.yara.Diagnostic;
import dev.vigil.yara.modules.Modules;
import dev.vigil.yara.strings.MatchView;
import dev.vigil.yara.syntax.IncludeResolver;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares with the real yara 4.5.2: string matches come from yara itself (a companion rule with the same strings
 * prints them with {@code -s -L}), then our condition evaluation must give yara's verdict; and compile failures
 * and error messages must be yarac's.
 */
class OracleComparisonTest {

    /** Strings as "identifier = value", a condition and the data. */
    record Case(List<String> strings, String condition, String data) {
        @Override
        public String toString() {
            return condition + " on '" + data + "'";
        }
    }

    static Stream<Case> evaluationCases() {
        List<String> ab = List.of("$a = \"ab\"", "$b = \"b\"", "$c = \"zz\"");
        String d = "xxabab bb ab";
        List<Case> cases = new ArrayList<>();
        for (String cond : List.of("$a", "$c", "#a == 3", "#b == 5", "@a[1] == 2", "@a[2] == 4", "@a[9] == 4",
                "not (@a[9] == 4)", "defined @a[9]", "!a[1] == 2", "$a at 4", "$a at 5", "$a in (3..4)",
                "$a in (5..9)", "#a in (3..10) == 2", "any of them", "all of them", "none of them", "2 of them",
                "3 of them", "50% of them", "67% of them", "any of ($a, $c)", "all of ($a*)", "any of them at 3",
                "2 of ($a, $b) in (0..3)", "for all of ($a, $b) : ($ at 2 or $ at 3)",
                "for any of them : (# == 3)", "for 2 of them : (@[1] < 4)", "for all of ($a) : (!  == 2)",
                "for all i in (1..#a) : (@a[i] >= 2)", "for any i in (1..#a) : (@a[i] == 10)",
                "for none i in (1..#c) : (true)", "for all i in (1..#c) : (true)",
                "for 2 i in (1, 2, 3) : (i > 1)", "for any s in (\"ab\", \"cd\") : (s == \"cd\")",
                "@a[1] + !a[1] == 4", "@c[1] + 1 == 1 or true", "uint16(2) == 0x6261", "uint16be(2) == 0x6162",
                "int8(filesize) == 0", "defined uint8(filesize - 1)", "uint32(0) & 0xff == 0x78",
                "(1 << 64) == 0 and (-1 >> 64) == 0", "1 \\ #c == 0", "not (1 \\ #c == 0)",
                "defined (1 \\ #c)", "5 % #c == 1 or #a % 2 == 1", "filesize \\ 2 == 6", "2.5 * 2 == 5",
                "1.0 \\ 0 == 1 or true", "\"abc\" contains \"b\" and \"ABC\" icontains \"b\"",
                "\"abc\" startswith \"ab\" and \"abc\" iendswith \"BC\" and \"aBc\" iequals \"AbC\"",
                "\"abc\" < \"abd\" and \"ab\" < \"abc\"", "-(-3) == 3 and ~0 == -1",
                "for any i in (0..filesize - 1) : (uint8(i) == 0x20)",
                "for all i in (0..filesize - 1) : (uint8(i) != 0)", "for 0 i in (1..3) : (i == 5)",
                "for any i in (1..3) : (i)", "for all i in (1..3) : (i)", "for 3 i in (1..3) : (i == 2)",
                "for 3 i in (1..2) : (i)", "(1 \\ #c == 0) or true", "defined ((1 \\ #c == 0) or false)",
                "defined not (1 \\ #c == 0)", "-1 >> 1 == -1", "1 << 63 < 0", "0x7fffffffffffffff + #a < 0",
                "#a * 1.5 == 4.5", "#a \\ 2 == 1", "-7 \\ 2 == -3", "-7 % 3 == -1",
                "for any i in (#c..5) : (true)", "for any i in (5..#c) : (true)", "uint32be(filesize - 4) != 0",
                "for all i in (1, #a, 3) : (i > 0)",
                "for any i in (1..#a) : (for any j in (1..#b) : (@a[i] + 1 == @b[j]))", "1.5 == 1.5 and 3 > 2.5",
                "not defined @a[-1] and not defined !a[0]", "all of ($a, $b) in (2..3)",
                "any of ($a, $b) at #a + 1", "for any of ($a, $b) : (for any i in (1..#) : (@[i] == 8))",
                "#a in (0..filesize) == #a and #b in (4..4) == 0", "for 1 i in (1..3) : (i == 1 or i == 2)",
                "for all i in (1..3) : (for any j in (i..3) : (j == 3))", "none of ($a, $c) or any of ($c, $b)",
                // constant operands, evaluated once at compile time
                "\"abc\" matches /B/i and not (\"\" matches /x/)", "\"ab\" == \"ab\" and \"b\" != \"a\"",
                "(\"x\" matches /y/ or 1 == 1) and (2 < 1 or \"q\")", "not (\"\" or 0 > 1)")) {
            cases.add(new Case(ab, cond, d));
        }
        cases.add(new Case(List.of("$ = \"a\"", "$ = \"b\"", "$x1 = \"x\""), "all of them and #x1 == 2", d));
        cases.add(new Case(List.of("$a = \"a\" nocase", "$b = \"B\" nocase"), "#a == 4 and #b == 5 and @b[1] == 3",
                d));
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("evaluationCases")
    void evaluationAgreesWithYara(Case c, @TempDir Path dir) throws Exception {
        Yara.assumePresent();
        StringBuilder strings = new StringBuilder();
        StringBuilder companion = new StringBuilder();
        for (int i = 0; i < c.strings().size(); i++) {
            String decl = c.strings().get(i);
            strings.append("    ").append(decl).append('\n');
            companion.append("    $s").append(i).append(decl.substring(decl.indexOf(' '))).append('\n');
        }
        // The extra "or (any of them and false)" references every string without changing the verdict.
        String rule = "rule t {\n  strings:\n" + strings + "  condition:\n    (" + c.condition()
                + ") or (any of them and false)\n}\n";
        String all = rule + "rule m {\n  strings:\n" + companion + "  condition:\n    any of them or true\n}\n";
        Files.writeString(dir.resolve("r.yar"), all, StandardCharsets.ISO_8859_1);
        Files.writeString(dir.resolve("data"), c.data(), StandardCharsets.ISO_8859_1);
        Yara.Run run = Yara.run(dir, "yara", "-w", "-s", "-L", "r.yar", "data");
        assertThat(run.exit()).as(run.stderr()).isZero();
        boolean yaraMatched = false;
        String current = "";
        Map<Integer, List<long[]>> found = new HashMap<>();
        for (String line : run.stdout().split("\n")) {
            if (!line.startsWith("0x")) {
                current = line.split(" ")[0];
                yaraMatched |= current.equals("t");
            } else if (current.equals("m")) {
                String[] parts = line.split(":", 4);
                int index = Integer.parseInt(parts[2].substring(2));
                found.computeIfAbsent(index, k -> new ArrayList<>())
                        .add(new long[] {Long.decode(parts[0]), Long.parseLong(parts[1])});
            }
        }
        Map<Integer, MatchView> matches = new HashMap<>();
        found.forEach((i, list) -> matches.put(i, new TestContexts.Matches(
                list.stream().mapToLong(x -> x[0]).toArray(), list.stream().mapToInt(x -> (int) x[1]).toArray())));
        RuleSetCompiler.Result r = RuleSetCompiler.compile(
                List.of(new RuleSetCompiler.Source("default", "r.yar", rule.getBytes(StandardCharsets.ISO_8859_1))),
                Map.of(), new RuleSetCompiler.Options(IncludeResolver.none(), Modules.builtIn()));
        assertThat(r.errors()).isEmpty();
        boolean[] ours = r.rules().evaluate(TestContexts.of(c.data().getBytes(StandardCharsets.ISO_8859_1),
                matches, Map.of()));
        assertThat(ours[0]).as("yara says " + yaraMatched).isEqualTo(yaraMatched);
    }

    static Stream<String> compileCases() {
        return Stream.of(
                "rule a { condition: true and }",
                "rule a { condition: }",
                "rule a { strings: $a = \"x\" condition: true }",
                "rule a { strings: $_a = \"x\" condition: true }",
                "rule a { condition: 1 + \"a\" }",
                "rule a { condition: foo }",
                "rule a { condition: \"a\" == 1 }",
                "rule a : t t { condition: true }",
                "rule a : t u { condition: true }",
                "rule a { strings: $a = \"ab\" xor nocase condition: $a }",
                "rule a { strings: $a = \"ab\" xor(1-300) condition: $a }",
                "rule a { strings: $a = \"ab\" xor(3-1) condition: $a }",
                "rule a { strings: $a = \"ab\" xor(7) wide private condition: $a }",
                "rule a { strings: $a = \"ab\" base64 wide condition: $a }",
                "rule a { strings: $a = \"ab\" base64(\"abc\") condition: $a }",
                "rule a { strings: $a = \"ab\" wide wide condition: $a }",
                "rule a { strings: $a = { 61 62 } private condition: $a }",
                "rule a { strings: $a = { 61 62 } wide condition: $a }",
                "rule a { strings: $a = /ab/ nocase wide condition: $a }",
                "rule a { strings: $a = /ab/ xor condition: $a }",
                "rule a { strings: $a = \"\" condition: $a }",
                "rule a { strings: $a = \"x\" $a = \"y\" condition: $a }",
                "rule a { strings: $ = \"x\" $ = \"y\" condition: all of them }",
                "rule a { condition: 1 \\ 0 }",
                "rule a { condition: 1 % 0 }",
                "rule a { condition: 0x7FFFFFFFFFFFFFFF + 1 > 0 }",
                "rule a { condition: -0x7FFFFFFFFFFFFFFF - 2 > 0 }",
                "rule a { condition: 9223372036854775807 * 2 > 0 }",
                "rule a { condition: for any i in (1..2) : (j) }",
                "rule a { condition: for any i in (1..2) : (for any j in (1..2) : (for any k in (1..2) : "
                        + "(for any l in (1..2) : (i + j + k + l == 8)))) }",
                "rule a { condition: for any i in (1..2) : (for any j in (1..2) : (for any k in (1..2) : "
                        + "(for any l in (1..2) : (for any m in (1..2) : (true))))) }",
                "rule a { condition: for any i, j, k in (1..2) : (true) }",
                "rule a { condition: for any i, i in (1..2) : (true) }",
                "rule a { condition: for any i in (1..2) : (for any i in (1..2) : (true)) }",
                "rule a { condition: for any i, j in (1..2) : (true) }",
                "rule a { condition: true } rule a { condition: true }",
                "rule a { condition: true } rule b { condition: a and not a }",
                "rule b { condition: a } rule a { condition: true }",
                "rule a1 { condition: true } rule b { condition: any of (a*) } rule a2 { condition: true }",
                "rule a { condition: any of (a, b) } rule b { condition: true }",
                "import \"nonexistent\"",
                "rule a { condition: $ }",
                "rule a { strings: $a = \"x\" condition: $b }",
                "rule a { condition: all of them }",
                "rule a { strings: $a = \"x\" condition: 101% of them }",
                "rule a { strings: $a = \"x\" condition: 0% of them }",
                "rule a { strings: $a = \"x\" condition: -1 of them }",
                "rule a { strings: $a = \"x\" condition: 2 of them }",
                "rule a { strings: $a = \"x\" condition: for any of them : (for any of them : ($)) }",
                "rule a { condition: for any i in (10..1) : (true) }",
                "rule a { condition: for any i in (\"a\", 1) : (true) }",
                "rule a { condition: \"abc\" }",
                "rule a { condition: 1.5 }",
                "rule a { condition: 1 << -1 }",
                "private global rule a { condition: true } global private rule b { condition: a }",
                "rule a { meta: x = 1 y = -2 z = \"s\" w = true x = false condition: true }",
                "rule a { condition: true",
                "rule a { condition: uint32(\"x\") }",
                "rule a { condition: filesize contains \"a\" }",
                "rule a { condition: 0o17 == 15 and 0x10 == 16 and 2KB == 2048 and 1MB == 1048576 }",
                "rule a { condition: 99999999999999999999 }",
                "rule a { condition: \"a\\q\" }",
                "rule a /* x */ { // c\n condition: true }",
                "rule a { condition: true } /* unterminated",
                "rule a {\n condition:\n  true and\n\n  foo\n}",
                "rule a {\n strings:\n  $a = \"x\"\n\n condition:\n  true\n}",
                "rule a {\n  condition: true\n}\nrule a {\n condition: true }",
                "rule a {\n condition:\n  1 +\n  \"x\"\n}",
                "rule a {\n strings:\n  $a = \"x\"\n  $a = \"y\"\n condition:\n  $a\n}",
                "rule a { strings: $a = \"x\" condition: $a* }",
                "rule a { condition: < 1 }",
                "rule a { strings: $a = \"" + "a".repeat(8190) + "\" condition: $a }",
                "rule a { strings: $a = \"" + "a".repeat(8191) + "\" condition: $a }",
                "rule a { strings: $a = \"" + "a".repeat(8189) + "\\x41\\x41\" condition: $a }",
                "rule a { strings: $a = /" + "a".repeat(8190) + "/ condition: $a }",
                "rule a { strings: $a = /" + "a".repeat(8191) + "/ condition: $a }",
                "rule a {\n}",
                "rule a { meta: a = b condition: true }",
                "rule a { condition: for any i in (1..2) (true) }");
    }

    /** Refused by both, but YARA's grammar refuses them as syntax errors where we report a type error. */
    static Stream<String> verdictOnlyCases() {
        return Stream.of("rule a { condition: (1 == 1) == 1 }", "rule a { condition: \"abc\" matches 1 }",
                "rule a { condition: true == true }",
                "rule a { condition: 1 of (a, b }", "rule a { strings: $a = \"x\" condition: $a == 1 }");
    }

    @ParameterizedTest
    @MethodSource("verdictOnlyCases")
    void compileResultAgreesWithYarac(String source, @TempDir Path dir) throws Exception {
        Yara.assumePresent();
        Files.writeString(dir.resolve("r.yar"), source, StandardCharsets.ISO_8859_1);
        Yara.Run run = Yara.run(dir, "yarac", "r.yar", "out.bin");
        RuleSetCompiler.Result r = RuleSetCompiler.compile(
                List.of(new RuleSetCompiler.Source("default", "r.yar", source.getBytes(StandardCharsets.ISO_8859_1))),
                Map.of(), new RuleSetCompiler.Options(IncludeResolver.none(), Modules.builtIn()));
        assertThat(r.ok()).as("yarac: " + run.stderr()).isEqualTo(run.exit() == 0);
    }

    @ParameterizedTest
    @MethodSource("compileCases")
    void compileResultAndFirstErrorAgreeWithYarac(String source, @TempDir Path dir) throws Exception {
        Yara.assumePresent();
        Files.writeString(dir.resolve("r.yar"), source, StandardCharsets.ISO_8859_1);
        Yara.Run run = Yara.run(dir, "yarac", "r.yar", "out.bin");
        RuleSetCompiler.Result r = RuleSetCompiler.compile(
                List.of(new RuleSetCompiler.Source("default", "r.yar", source.getBytes(StandardCharsets.ISO_8859_1))),
                Map.of(), new RuleSetCompiler.Options(IncludeResolver.none(), Modules.builtIn()));
        List<String> yaraErrors = run.stderr().lines().filter(l -> l.startsWith("error")).toList();
        assertThat(r.ok()).as("yarac: " + run.stderr()).isEqualTo(run.exit() == 0);
        if (!r.ok()) {
            Diagnostic first = r.errors().get(0);
            String yaraFirst = yaraErrors.get(0);
            // yarac prints "error: [rule "x" in ]file(line): message"
            String yaraMessage = yaraFirst.substring(yaraFirst.indexOf("): ") + 3);
            assertThat(first.message()).isEqualTo(yaraMessage);
            String location = yaraFirst.substring(0, yaraFirst.indexOf("): "));
            int yaraLine = Integer.parseInt(location.substring(location.lastIndexOf('(') + 1));
            assertThat(first.line()).as("line").isEqualTo(yaraLine);
        }
    }

    /** Include chains of {@code depth} includes below the main file, or a cycle when depth is negative. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 15, 16, -1, -3})
    void includesAgreeWithYarac(int depth, @TempDir Path dir) throws Exception {
        Yara.assumePresent();
        Files.createDirectories(dir.resolve("sub"));
        int n = Math.abs(depth);
        for (int i = 0; i < n; i++) {
            // Every included file lives in sub/ and names the next relative to itself.
            Path f = i == 0 ? dir.resolve("main.yar") : dir.resolve("sub").resolve("f" + i + ".yar");
            String next = i == 0 ? "sub/f1.yar" : "f" + (i + 1) + ".yar";
            Files.writeString(f, "include \"" + next + "\"\n");
        }
        Path last = dir.resolve("sub").resolve("f" + n + ".yar");
        Files.writeString(last, depth < 0 ? (n == 1 ? "include \"../main.yar\"\n" : "include \"f1.yar\"\n")
                : "rule x { condition: true }\n");
        Yara.Run run = Yara.run(dir, "yarac", "main.yar", "out.bin");
        RuleSetCompiler.Result r = RuleSetCompiler.compile(List.of(new RuleSetCompiler.Source("default",
                        dir.resolve("main.yar").toString(), Files.readAllBytes(dir.resolve("main.yar")))), Map.of(),
                new RuleSetCompiler.Options(IncludeResolver.fileSystem(), Modules.builtIn()));
        assertThat(r.ok()).as("yarac: " + run.stderr()).isEqualTo(run.exit() == 0);
        if (!r.ok()) {
            String yaraFirst = run.stderr().lines().filter(l -> l.startsWith("error")).findFirst().orElseThrow();
            assertThat(r.errors().get(0).message()).isEqualTo(yaraFirst.substring(yaraFirst.indexOf("): ") + 3));
        }
    }

    /** Several rules without strings: the set of reported rules must be yara's (global, private, references). */
    static Stream<String> ruleSetCases() {
        return Stream.of(
                "global rule g { condition: filesize > 100 } rule a { condition: true } rule b { condition: a }",
                "global rule g { condition: filesize < 100 } rule a { condition: true } rule b { condition: not a }",
                "private rule p { condition: true } rule a { condition: p } rule b { condition: not p }",
                "rule a1 { condition: true } rule a2 { condition: false } rule b { condition: 1 of (a*) }"
                        + " rule c { condition: all of (a*) } rule d { condition: 50% of (a1, a2) }"
                        + " rule e { condition: none of (a2) }",
                "rule a { condition: b } rule b { condition: true }".replace("b }", "true }"),
                "private global rule g { condition: true } rule a { condition: g }",
                "rule a { condition: uint8(0) == 0x78 and uint16(filesize) == 0 } rule b { condition: not a }",
                "rule a { condition: not (uint32(filesize - 2) == 0) } rule b { condition: defined uint16(filesize - 2) }");
    }

    @ParameterizedTest
    @MethodSource("ruleSetCases")
    void reportedRulesAgreeWithYara(String source, @TempDir Path dir) throws Exception {
        Yara.assumePresent();
        String data = "xxabab bb ab";
        Files.writeString(dir.resolve("r.yar"), source, StandardCharsets.ISO_8859_1);
        Files.writeString(dir.resolve("data"), data, StandardCharsets.ISO_8859_1);
        Yara.Run run = Yara.run(dir, "yara", "-w", "r.yar", "data");
        assertThat(run.exit()).as(run.stderr()).isZero();
        List<String> expected = run.stdout().lines().map(l -> l.split(" ")[0]).sorted().toList();
        RuleSetCompiler.Result r = RuleSetCompiler.compile(
                List.of(new RuleSetCompiler.Source("default", "r.yar", source.getBytes(StandardCharsets.ISO_8859_1))),
                Map.of(), new RuleSetCompiler.Options(IncludeResolver.none(), Modules.builtIn()));
        assertThat(r.errors()).isEmpty();
        boolean[] matched = r.rules().evaluate(TestContexts.of(data.getBytes(StandardCharsets.ISO_8859_1), Map.of(),
                Map.of()));
        List<String> ours = new ArrayList<>();
        for (int i = 0; i < matched.length; i++) {
            if (matched[i] && !r.rules().rules().get(i).isPrivate()) {
                ours.add(r.rules().rules().get(i).name());
            }
        }
        assertThat(ours.stream().sorted().toList()).isEqualTo(expected);
    }
}
