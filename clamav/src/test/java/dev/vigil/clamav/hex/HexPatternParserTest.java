package dev.vigil.clamav.hex;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.PatternNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HexPatternParserTest {

    private static List<PatternNode> single(String hex) throws SignatureSyntaxException {
        BodyPattern p = HexPatternParser.parse(hex);
        assertThat(p.parts()).hasSize(1);
        return p.parts().get(0).nodes();
    }

    private static ByteSet b(int v) {
        return ByteSet.of(v);
    }

    @Test
    void literalBytesAreCaseInsensitiveHex() throws Exception {
        assertThat(single("aAbBcC")).containsExactly(b(0xaa), b(0xbb), b(0xcc));
    }

    @Test
    void wildcardsAndNibbles() throws Exception {
        assertThat(single("aabb??c?d?e?")).containsExactly(b(0xaa), b(0xbb), ByteSet.ANY,
                ByteSet.highNibble(0xc), ByteSet.highNibble(0xd), ByteSet.highNibble(0xe));
        assertThat(single("aabb?5")).containsExactly(b(0xaa), b(0xbb), ByteSet.lowNibble(5));
    }

    @Test
    void shortBracesBecomeWildcardsPairedOnTheRewrittenText() throws Exception {
        assertThat(single("aabb{2}cc")).containsExactly(b(0xaa), b(0xbb), ByteSet.ANY, ByteSet.ANY, b(0xcc));
        // "aabba{1}b" is rewritten to "aabba??b": pairs a? and ?b
        assertThat(single("aabba{1}b")).containsExactly(b(0xaa), b(0xbb), ByteSet.highNibble(0xa), ByteSet.lowNibble(0xb));
    }

    @Test
    void longGapsStarsAndRangesSplitParts() throws Exception {
        BodyPattern p = HexPatternParser.parse("aabb{200}ccdd*eeff{3-7}1122{-4}3344{9-}5566{0}7788");
        assertThat(p.parts()).hasSize(7);
        assertThat(p.gaps()).containsExactly(new Gap(200, 200), Gap.ANY, new Gap(3, 7), new Gap(0, 4),
                new Gap(9, Gap.UNBOUNDED), new Gap(0, Gap.UNBOUNDED));
    }

    @Test
    void onlyLeadingShortBracesAreInlinedOnceARangeWasSeen() throws Exception {
        BodyPattern p = HexPatternParser.parse("aabb{10-20}ccdd{5}eeff");
        assertThat(p.gaps()).containsExactly(new Gap(10, 20), new Gap(5, 5));
    }

    @Test
    void invertedRangeLoadsButNeverMatches() throws Exception {
        BodyPattern p = HexPatternParser.parse("aabb{20-10}ccdd");
        assertThat(p.parts().get(1).nodes()).contains(ByteSet.NONE);
    }

    @Test
    void alternations() throws Exception {
        assertThat(single("aabb(cc|dd)")).containsExactly(b(0xaa), b(0xbb), ByteSet.ofAll(0xcc, 0xdd));
        assertThat(single("aabb!(cc|dd)")).containsExactly(b(0xaa), b(0xbb), ByteSet.ofAll(0xcc, 0xdd).complement());
        assertThat(single("aabb!(ccdd|eeff)").get(2)).isEqualTo(new Alternation(
                List.of(List.of(b(0xcc), b(0xdd)), List.of(b(0xee), b(0xff))), true));
        assertThat(single("aabb(cc|d?|)").get(2)).isEqualTo(new Alternation(
                List.of(List.of(b(0xcc)), List.of(ByteSet.highNibble(0xd)), List.of()), false));
        assertThat(single("aabb(11(22|33)|44)").get(2)).isEqualTo(new Alternation(
                List.of(List.of(b(0x11), b(0x22)), List.of(b(0x11), b(0x33)), List.of(b(0x44))), false));
    }

    @Test
    void markersAtTheEdgesAreLookArounds() throws Exception {
        List<PatternNode> n = single("(B)aabb(L)");
        assertThat(n.get(0)).isEqualTo(new LookAround(true, CharClasses.BOUNDARY_LEFT, true, false));
        assertThat(n.get(3)).isEqualTo(new LookAround(false, ByteSet.of('\n'), true, true));
        assertThat(single("aabb(W)ccdd").get(2)).isEqualTo(CharClasses.ALNUM.complement());
        // "!(B)" at the start is no look-behind in ClamAV: it consumes one non-boundary byte
        assertThat(single("!(B)aabb").get(0)).isEqualTo(CharClasses.BOUNDARY.complement());
    }

    @Test
    void anchorsAroundAPart() throws Exception {
        // the anchor bytes lie outside the match: look-arounds at a distance
        assertThat(single("aa[1-3]bbcc[2]dd")).containsExactly(LookAround.at(true, ByteSet.of(0xaa), 1, 3),
                b(0xbb), b(0xcc), LookAround.at(false, ByteSet.of(0xdd), 2, 2));
        assertThat(single("bbcc[0-32]?d")).containsExactly(b(0xbb), b(0xcc),
                LookAround.at(false, ByteSet.lowNibble(0xd), 0, 32));
        // ClamAV ignores anchors written as ?? or x?
        assertThat(single("??[1-3]bbcc")).containsExactly(b(0xbb), b(0xcc));
    }

    @Test
    void refusesWhatClamAvRefuses() {
        for (String bad : List.of("aa", "aa??bb", "aabbc", "aabbzz", "*aabb", "aabb*", "aabb**cc", "aabb()",
                "aabb(aaa|bbb)", "aabb!(cc|d?)", "aabb(cc{2-3}|dd)", "aa[1-2]bb", "aabb[33]cc", "aabb{2147483648}cc")) {
            assertThatThrownBy(() -> HexPatternParser.parse(bad)).as(bad).isInstanceOf(SignatureSyntaxException.class);
        }
    }

    @Test
    void prefilteredTargetsRefuseASpecialTooEarly() throws Exception {
        HexPatternParser.parse("aa(B)bb(cc|dd)eeff", 3);
        assertThatThrownBy(() -> HexPatternParser.parse("aa(B)bbccdd", 0)).isInstanceOf(SignatureSyntaxException.class);
    }
}
