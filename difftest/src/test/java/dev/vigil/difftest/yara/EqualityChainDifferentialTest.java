package dev.vigil.difftest.yara;

import dev.vigil.difftest.Oracles;
import dev.vigil.yara.YaraCompiler;
import dev.vigil.yara.YaraRules;
import dev.vigil.yara.YaraScanOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vigil compiles {@code pe.imphash() == "a" or pe.imphash() == "b" or ...} (eight comparisons or more with one
 * argument-less module function) into one set look-up. This holds it to yara 4.5.2 over the differential corpus (PE
 * files, whose imphash is defined, and ELF and other files, where it is undefined): chains that hit, chains that
 * miss, texts on either side, upper-case texts, chains under {@code not} and inside {@code and}; and chains that stay
 * comparisons: a short one, one over integers, one with another operand, one over a field instead of the function.
 */
class EqualityChainDifferentialTest {

    private static final List<String> FAKES = List.of("00000000000000000000000000000000",
            "0123456789abcdef0123456789abcdef", "ffffffffffffffffffffffffffffffff", "deadbeefdeadbeefdeadbeefdeadbeef",
            "a", "", "not a hash", "11111111111111111111111111111111");

    @Test
    void imphashChainsGiveWhatYaraGives(@TempDir Path dir) throws Exception {
        YaraDifferentialTest.requireYara();
        List<Path> files = YaraDifferentialTest.corpus(YaraDiffSettings.fromSystemProperties(), Oracles.shared());
        List<String> real = imphashes(files);
        assertThat(real).as("imphashes of the corpus's PE files").hasSizeGreaterThanOrEqualTo(3);
        List<String> hits = real.subList(0, 3);

        String rules = "import \"pe\"\n"
                + rule("hit", chain(hits, false))
                + rule("hit_texts_left", chain(hits, true))
                + rule("miss", chain(List.of(), false))
                + rule("upper_case", chain(hits.stream().map(String::toUpperCase).toList(), false))
                + rule("not_miss", "not (" + chain(List.of(), false) + ")")
                + rule("not_hit", "not (" + chain(hits, false) + ")")
                + rule("in_and", "pe.number_of_sections > 2 and (" + chain(hits, false) + ")")
                + rule("short_chain", "pe.imphash() == \"" + hits.get(0) + "\" or pe.imphash() == \"x\"")
                // chains of other comparisons stay as written
                + rule("int_chain", "uint16(0) == 1 or uint16(0) == 2 or uint16(0) == 3 or uint16(0) == 4"
                        + " or uint16(0) == 5 or uint16(0) == 6 or uint16(0) == 7 or uint16(0) == 0x5a4d")
                + rule("mixed_chain", chain(hits, false) + " or pe.number_of_sections == 3")
                + rule("two_functions", chain(hits, false).replaceFirst("pe.imphash\\(\\)", "pe.dll_name"));
        Path file = Files.writeString(dir.resolve("chains.yar"), rules);
        YaraRuleSet set = new YaraRuleSet("chains", List.of(file), Map.of());

        YaraReport expected = YaraProcess.scan(set, files, dir);
        YaraReport actual = VigilYara.scan(VigilYara.compile(set), files);

        assertThat(YaraComparison.differences(expected, actual, f -> true)).isEmpty();
        // the chains must have had something to tell apart: PE files that hit, and files where imphash is undefined
        assertThat(expected.ruleMatches()).as("rule matches yara reports").isGreaterThan(files.size());
    }

    private static String rule(String name, String condition) {
        return "rule " + name + " { condition: " + condition + " }\n";
    }

    /** The fakes and {@code texts}, interleaved, as {@code pe.imphash() == "..."} joined by {@code or}. */
    private static String chain(List<String> texts, boolean textsLeft) {
        List<String> all = new ArrayList<>(FAKES);
        for (int i = 0; i < texts.size(); i++) {
            all.add(2 * i + 1, texts.get(i));
        }
        return all.stream().map(t -> textsLeft ? "\"" + t + "\" == pe.imphash()" : "pe.imphash() == \"" + t + "\"")
                .collect(Collectors.joining(" or "));
    }

    /** Distinct imphashes of the PE files among {@code files}, as Vigil's pe module prints them. */
    private static List<String> imphashes(List<Path> files) throws Exception {
        YaraRules probe = new YaraCompiler().addSource("import \"pe\"\nimport \"console\"\n"
                + "rule imphash { condition: pe.is_pe and console.log(pe.imphash()) }", "default", "probe.yar")
                .compile();
        Set<String> out = new LinkedHashSet<>();
        for (Path f : files) {
            for (String line : probe.scan(f, YaraScanOptions.DEFAULT).console()) {
                if (line.matches("[0-9a-f]{32}")) {
                    out.add(line);
                }
            }
        }
        return new ArrayList<>(out);
    }
}
