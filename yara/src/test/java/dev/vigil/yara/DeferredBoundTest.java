package dev.vigil.yara;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In data of a million bytes or more, deferred strings ({@code $a at E}) are left out of the pass when a count of the
 * data's bytes and byte pairs shows that none can reach the match cap (YaraPatterns.deferredBelowCap), instead of
 * having their hits counted. The bound must fail wherever the count could reach the cap, and the scan must report
 * what a scan that verifies every string reports; the CLI's comparison with yara (YaraOptionsComparisonTest,
 * bounded.yar) holds both to yara's output.
 */
class DeferredBoundTest {

    /**
     * $t: "JK" at 'J' (74), one match per pair; $z: the two zeros at the end, found through a one-byte 00 atom, which makes the check worth its read for the
     * rule set (YaraPatterns.boundCheckPays).
     */
    private static final String RULES = """
            rule t { strings: $t = "JK" condition: $t at uint8(0) }
            rule z { strings: $z = { ?? 00 } condition: $z at filesize - 2 }
            """;

    /** n times "JK", then two zeros. */
    private static byte[] pairs(int n) {
        return ("JK".repeat(n) + "\0\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final YaraScanOptions ALL_STRINGS = new YaraScanOptions(false, YaraScanOptions.DEFAULT.timeoutMillis(), true);

    @Test
    void theBoundFailsFromTheCountThatCouldReachTheCap() throws Exception {
        YaraRules rules = new YaraCompiler().addSource(RULES, "default", "b.yar").compile();
        YaraPatterns counted = rules.scanPatterns(YaraScanOptions.DEFAULT, 2_000_000);
        assertThat(counted.boundCheckPays()).isTrue();
        assertThat(counted.deferredBelowCap(ScanInput.of(pairs(999_999)))).isTrue();
        assertThat(counted.deferredBelowCap(ScanInput.of(pairs(1_000_000)))).isFalse();
        byte[] zeros = new byte[1_000_001]; // $z's atom hits 1,000,001 times, one start each
        assertThat(counted.deferredBelowCap(ScanInput.of(zeros))).isFalse();
    }

    @Test
    void boundedScansReportWhatScansOfEveryStringReport() throws Exception {
        YaraRules rules = new YaraCompiler().addSource(RULES, "default", "b.yar").compile();
        for (int n : new int[] {999_999, 1_000_000, 1_200_000}) {
            byte[] data = pairs(n);
            YaraPatterns.Deferral expected = n < 1_000_000 ? YaraPatterns.Deferral.OMITTED
                    : YaraPatterns.Deferral.COUNTED;
            assertThat(rules.deferral(YaraScanOptions.DEFAULT, ScanInput.of(data))).as("%d pairs", n)
                    .isEqualTo(expected);
            assertThat(render(rules.scan(data, YaraScanOptions.DEFAULT))).as("%d pairs", n)
                    .isEqualTo(render(rules.scan(data, ALL_STRINGS)));
        }
    }

    private static List<String> render(YaraScanResult r) {
        List<String> out = new java.util.ArrayList<>(r.warnings());
        for (RuleMatch m : r.matches()) {
            out.add(m.name() + " " + m.strings().size());
        }
        return out;
    }
}
