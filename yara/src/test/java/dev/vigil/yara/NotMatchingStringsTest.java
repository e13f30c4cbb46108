package dev.vigil.yara;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The string matches a non-matching rule reports ({@code yara -n -s}) are packed at the end of a scan and expanded
 * on demand; a matching rule's are built at once. Both must describe the same matches: the rule below matches or
 * not by an external only, so its strings are compared between the two paths.
 */
class NotMatchingStringsTest {

    private static final YaraScanOptions WITH_NOT_MATCHING = new YaraScanOptions(false, 0, true);

    private static final String RULES = """
            rule r {
              strings:
                $a = "abc"
                $b = "secret" private
                $x = "key" xor
                $long = /Q{600}/
                $tail = "end"
              condition:
                flag and any of them
            }
            rule other { strings: $o = "abc" condition: #o == 99 }
            private rule hidden { strings: $h = "abc" condition: $h and false }
            """;

    private static byte[] data() {
        StringBuilder sb = new StringBuilder("abc secret ");
        for (int k = 1; k < 4; k++) {
            for (byte c : "key".getBytes(StandardCharsets.ISO_8859_1)) {
                sb.append((char) (c ^ k));
            }
            sb.append(' ');
        }
        sb.append("Q".repeat(700)).append(" abc abcabc end");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static YaraRules rules(boolean flag) throws Exception {
        return new YaraCompiler().defineExternal("flag", flag).addSource(RULES, "default", "t.yar").compile();
    }

    private static RuleMatch find(List<RuleMatch> list, String name) {
        return list.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static String describe(List<RuleMatch.StringMatch> strings) {
        StringBuilder sb = new StringBuilder();
        for (RuleMatch.StringMatch s : strings) {
            sb.append(s.identifier()).append('@').append(s.offset()).append('+').append(s.length()).append(" k")
                    .append(s.xorKey()).append(' ').append(Arrays.toString(s.data())).append('\n');
        }
        return sb.toString();
    }

    @Test
    void notMatchingRuleReportsTheStringsItWouldReportMatching() throws Exception {
        byte[] data = data();
        RuleMatch matching = find(rules(true).scan(data, YaraScanOptions.DEFAULT).matches(), "r");
        RuleMatch notMatching = find(rules(false).scan(data, WITH_NOT_MATCHING).notMatching(), "r");
        assertThat(matching.strings()).hasSizeGreaterThan(5);
        assertThat(describe(notMatching.strings())).isEqualTo(describe(matching.strings()));
        assertThat(matching.strings()).anyMatch(s -> s.length() == 600 && s.data().length == 512);
        assertThat(matching.strings()).noneMatch(s -> s.identifier().equals("$b"));
    }

    @Test
    void fileScansKeepTheDataOfNotMatchingRulesAfterTheFileIsClosed(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        byte[] data = data();
        Path file = dir.resolve("sample");
        Files.write(file, data);
        YaraScanResult fromFile = rules(false).scan(file, WITH_NOT_MATCHING);
        YaraScanResult fromBytes = rules(false).scan(data, WITH_NOT_MATCHING);
        assertThat(describe(find(fromFile.notMatching(), "other").strings()))
                .isEqualTo(describe(find(fromBytes.notMatching(), "other").strings()))
                .contains("$o@0+3");
        assertThat(fromFile.notMatching()).noneMatch(m -> m.name().equals("hidden"));
    }

    @Test
    void withoutTheOptionNotMatchingRulesAreListedWithoutStrings() throws Exception {
        byte[] data = data();
        YaraRules rules = rules(false);
        YaraScanResult plain = rules.scan(data, YaraScanOptions.DEFAULT);
        YaraScanResult full = rules.scan(data, WITH_NOT_MATCHING);
        assertThat(plain.notMatching().stream().map(RuleMatch::name).toList())
                .isEqualTo(full.notMatching().stream().map(RuleMatch::name).toList())
                .containsExactly("r", "other");
        assertThat(plain.notMatching()).allMatch(m -> m.strings().isEmpty());
        assertThat(find(full.notMatching(), "r").strings()).isNotEmpty();
        // fast mode with the option: its own engine, same listing
        assertThat(describe(find(rules.scan(data, new YaraScanOptions(true, 0, true)).notMatching(), "other")
                .strings())).contains("$o@0+3");
    }
}
