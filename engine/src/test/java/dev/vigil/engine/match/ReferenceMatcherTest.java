package dev.vigil.engine.match;

import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.AnyBytes;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceMatcherTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<PatternNode> lit(String s) {
        List<PatternNode> out = new ArrayList<>();
        for (byte x : b(s)) {
            out.add(ByteSet.of(x));
        }
        return out;
    }

    private static BodyPattern single(List<PatternNode> nodes) {
        return BodyPattern.of(new Part(nodes));
    }

    @Test
    void findsTheLeftmostStart() {
        assertThat(ReferenceMatcher.find(single(lit("ab")), b("xxabab"), 0, 6)).isEqualTo(2);
        assertThat(ReferenceMatcher.find(single(lit("ab")), b("xxabab"), 3, 6)).isEqualTo(4);
        assertThat(ReferenceMatcher.find(single(lit("ab")), b("xxabab"), 0, 3)).isEqualTo(-1);
    }

    @Test
    void reportsEveryStartEndPairOfVariableMatches() {
        List<PatternNode> nodes = new ArrayList<>(lit("a"));
        nodes.add(new AnyBytes(0, 2));
        nodes.addAll(lit("b"));
        assertThat(ReferenceMatcher.findAll(single(nodes), b("abbb"), 0, 4))
                .containsExactly(new long[] {0, 2}, new long[] {0, 3}, new long[] {0, 4});
    }

    @Test
    void distantLookAroundsCheckBytesOutsideTheMatch() {
        // Q one or two bytes before the byte before "ab": the match begins at "ab", the anchor is not part of it
        List<PatternNode> behind = new ArrayList<>(List.of(LookAround.at(true, ByteSet.of('Q'), 1, 2)));
        behind.addAll(lit("ab"));
        assertThat(ReferenceMatcher.findAll(single(behind), b("Qxab"), 0, 4)).containsExactly(new long[] {2, 4});
        assertThat(ReferenceMatcher.find(single(behind), b("Qxxab"), 0, 5)).isEqualTo(3);
        assertThat(ReferenceMatcher.find(single(behind), b("Qab"), 0, 3)).isEqualTo(-1);
        assertThat(ReferenceMatcher.find(single(behind), b("Qxxxab"), 0, 6)).isEqualTo(-1);
        assertThat(ReferenceMatcher.find(single(behind), b("Qxab"), 1, 4)).as("before the window").isEqualTo(-1);

        // R right after "ab" or one byte later: the match ends after "ab"
        List<PatternNode> ahead = new ArrayList<>(lit("ab"));
        ahead.add(LookAround.at(false, ByteSet.of('R'), 0, 1));
        assertThat(ReferenceMatcher.findAll(single(ahead), b("abxR"), 0, 4)).containsExactly(new long[] {0, 2});
        assertThat(ReferenceMatcher.find(single(ahead), b("abR"), 0, 3)).isZero();
        assertThat(ReferenceMatcher.find(single(ahead), b("abxxR"), 0, 5)).isEqualTo(-1);
        assertThat(ReferenceMatcher.find(single(ahead), b("abxR"), 0, 3)).as("past the window").isEqualTo(-1);
        assertThat(ReferenceMatcher.find(single(ahead), b("ab"), 0, 2)).as("no edge match").isEqualTo(-1);
    }

    @Test
    void lookAroundDistancesAreChecked() {
        assertThatThrownBy(() -> LookAround.at(true, ByteSet.of('Q'), 2, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LookAround(false, ByteSet.of('Q'), true, false, 0, 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void gapsSeparateParts() {
        BodyPattern p = new BodyPattern(List.of(new Part(lit("ab")), new Part(lit("cd"))), List.of(new Gap(1, 2)));
        assertThat(ReferenceMatcher.find(p, b("abcd"), 0, 4)).isEqualTo(-1);
        assertThat(ReferenceMatcher.find(p, b("abxcd"), 0, 5)).isZero();
        assertThat(ReferenceMatcher.find(p, b("abxxxcd"), 0, 7)).isEqualTo(-1);
        BodyPattern open = new BodyPattern(List.of(new Part(lit("ab")), new Part(lit("cd"))), List.of(Gap.ANY));
        assertThat(ReferenceMatcher.find(open, b("abxxxxxcd"), 0, 9)).isZero();
    }

    @Test
    void negatedAlternationConsumesItsLengthWhenNoOptionMatches() {
        List<PatternNode> nodes = new ArrayList<>(lit("a"));
        nodes.add(new Alternation(List.of(lit("bc"), lit("de")), true));
        assertThat(ReferenceMatcher.find(single(nodes), b("abc"), 0, 3)).isEqualTo(-1);
        assertThat(ReferenceMatcher.find(single(nodes), b("abd"), 0, 3)).isZero();
    }

    @Test
    void lookAroundsSeeTheWindowEdges() {
        List<PatternNode> nodes = new ArrayList<>();
        nodes.add(new LookAround(true, ByteSet.of(' '), true, false));
        nodes.addAll(lit("ab"));
        nodes.add(new LookAround(false, ByteSet.of('\n'), true, true));
        assertThat(ReferenceMatcher.find(single(nodes), b("ab"), 0, 2)).isZero();
        assertThat(ReferenceMatcher.find(single(nodes), b("xab\r\n"), 0, 5)).isEqualTo(-1);
        assertThat(ReferenceMatcher.find(single(nodes), b("x ab\r\n"), 0, 6)).isEqualTo(2);
        assertThat(ReferenceMatcher.find(single(nodes), b("xab"), 1, 3)).isEqualTo(1);
    }

    @Test
    void rejectsWindowsOutsideTheData() {
        assertThatThrownBy(() -> ReferenceMatcher.find(single(lit("a")), b("a"), 0, 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
