package dev.vigil.yara;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.condition.CompiledRule;
import dev.vigil.yara.strings.StringMatches;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A report keeps the matched bytes per match, or as the 4 KiB blocks of the input they touch where those are fewer,
 * and never more than its bound: past it no match has data, and the scan ends with a limit (YaraScanState).
 */
class PackedStringMatchesTest {

    private static final byte[] DATA = new byte[10_000];

    static {
        for (int i = 0; i < DATA.length; i++) {
            DATA[i] = (byte) (i * 31 + 7);
        }
    }

    private static CompiledRule rule() throws Exception {
        YaraRules rules = new YaraCompiler().addSource("rule r { strings: $a = \"abc\" condition: $a }", "default",
                "t.yar").compile();
        return rules.program.rules().get(0);
    }

    /** {@code count} matches of length {@code length}, {@code step} bytes apart. */
    private static List<RuleMatch.StringMatch> pack(long bound, int count, int step, int length, boolean[] cut)
            throws Exception {
        CompiledRule rule = rule();
        StringMatches m = new StringMatches();
        for (int i = 0; i < count; i++) {
            m.add((long) i * step, length, 0, false);
        }
        PackedStringMatches p = new PackedStringMatches(512, bound);
        p.add(0, rule, new StringMatches[] {m}, new int[] {0});
        p.readData(ScanInput.of(DATA));
        cut[0] = p.dataCut();
        return p.get(0, rule);
    }

    private static void assertDataOfTheInput(List<RuleMatch.StringMatch> matches, int length) {
        for (RuleMatch.StringMatch s : matches) {
            int from = (int) s.offset();
            assertThat(s.data()).isEqualTo(Arrays.copyOfRange(DATA, from, Math.min(DATA.length, from + length)));
        }
    }

    /** Packs the matches under {@code bound}: none is cut, and each keeps its bytes of the input (512 at most). */
    private static void assertKept(long bound, int count, int step, int length) throws Exception {
        boolean[] cut = new boolean[1];
        List<RuleMatch.StringMatch> matches = pack(bound, count, step, length, cut);
        assertThat(cut[0]).isFalse();
        assertThat(matches).hasSize(count);
        assertThat(matches.get(count - 1).length()).isEqualTo(length);
        assertDataOfTheInput(matches, Math.min(length, 512));
    }

    @Test
    void disjointMatchesKeepTheirBytesEachUnderTheBound() throws Exception {
        assertKept(100_000, 100, 100, 50); // 5,000 bytes; the 3 blocks they touch are 12 KiB
    }

    @Test
    void overlappingMatchesKeepTheBlocksTheyTouch() throws Exception {
        // 3,000 matches of 600 bytes, 3 apart (512 kept each: 1.5 MB), over 9,600 bytes: three 4 KiB blocks, which
        // many matches cross
        assertKept(16_384, 3_000, 3, 600);
    }

    @Test
    void pastTheBoundNoMatchKeepsData() throws Exception {
        boolean[] cut = new boolean[1];
        List<RuleMatch.StringMatch> disjoint = pack(4_999, 100, 100, 50, cut);
        assertThat(cut[0]).isTrue();
        assertThat(disjoint).hasSize(100).allSatisfy(s -> assertThat(s.data()).isEmpty());
        List<RuleMatch.StringMatch> overlapping = pack(12_287, 3_000, 3, 600, cut);
        assertThat(cut[0]).isTrue();
        assertThat(overlapping).hasSize(3_000).allSatisfy(s -> assertThat(s.data()).isEmpty());
        assertThat(overlapping.get(7).offset()).isEqualTo(21);
    }
}
