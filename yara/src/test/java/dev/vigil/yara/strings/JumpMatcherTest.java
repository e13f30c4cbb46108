package dev.vigil.yara.strings;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jump matcher must report exactly what the NFA reports for every start: random hex strings of byte sets and
 * jumps run on random data over a small alphabet (so that partial matches and competing jump lengths are common).
 */
class JumpMatcherTest {

    @Test
    void agreesWithTheNfaOnRandomHexStringsAndData() {
        Random rnd = new Random(42);
        PikeVm vm = new PikeVm();
        JumpMatcher.Scratch scratch = new JumpMatcher.Scratch();
        int compared = 0;
        int matched = 0;
        for (int t = 0; t < 3000; t++) {
            String hex = randomHex(rnd);
            ReNode root = HexParser.parse(hex);
            JumpMatcher jm = JumpMatcher.of(root, 4096);
            if (jm == null) {
                continue;
            }
            Program prog = Program.compile(root, 4097);
            byte[] data = new byte[200];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (0x41 + rnd.nextInt(3));
            }
            for (int s = 0; s < data.length; s++) {
                int limit = Math.min(data.length, s + 1 + rnd.nextInt(120));
                int expected = vm.run(prog, data, 0, s, limit, data.length, 1);
                assertThat(jm.match(data, s, limit, scratch)).as("%s at %d limit %d", hex, s, limit)
                        .isEqualTo(expected);
                compared++;
                matched += expected >= 0 ? 1 : 0;
            }
        }
        assertThat(compared).isGreaterThan(100_000);
        assertThat(matched).isGreaterThan(1000);
    }

    @Test
    void takesOnlyByteSetsJumpsAndCountedClasses() {
        assertThat(JumpMatcher.of(HexParser.parse("41 ( 42 43 | 44 ) [1-2] 44"), 4096)).isNull();
        assertThat(JumpMatcher.of(HexParser.parse("41 ( 42 | 43 ?? ) 44"), 4096)).isNull();
        assertThat(JumpMatcher.of(HexParser.parse("41 ( 42 | 43 ) [1-2] 44"), 4096)).isNotNull();
        assertThat(JumpMatcher.of(HexParser.parse("41 ( 42 | ( 4? | 43 ) ) 44"), 4096)).isNotNull();
        assertThat(JumpMatcher.of(RegexParser.parse("a(b|c)d", false, false).root, 4096)).isNotNull();
        assertThat(JumpMatcher.of(RegexParser.parse("a\\bc", false, false).root, 4096)).isNull();
        assertThat(JumpMatcher.of(RegexParser.parse("a[bc]+", false, false).root, 4096)).isNull();
        assertThat(JumpMatcher.of(HexParser.parse("41 42 ?? 44"), 4096)).isNotNull();
        assertThat(JumpMatcher.of(HexParser.parse("41 [2-4] 4? ?? 42"), 4096)).isNotNull();
        assertThat(JumpMatcher.of(RegexParser.parse("[0-9a-f]{8}x", false, false).root, 4096)).isNotNull();
    }

    @Test
    void agreesWithTheNfaOnCountedClassRegexes() {
        Random rnd = new Random(3);
        PikeVm vm = new PikeVm();
        JumpMatcher.Scratch scratch = new JumpMatcher.Scratch();
        String[] regexes = {"[AB]{3}C", "A[BC]{2}[AB]{4}", "[A-C]{5}", "A.{2}C", "[AB]{2}[^A]{3}B"};
        int matched = 0;
        for (String re : regexes) {
            ReNode root = RegexParser.parse(re, false, true).root;
            JumpMatcher jm = JumpMatcher.of(root, 4096);
            assertThat(jm).as(re).isNotNull();
            Program prog = Program.compile(root, 4097);
            byte[] data = new byte[5000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (0x41 + rnd.nextInt(3));
            }
            for (int s = 0; s < data.length; s++) {
                int expected = vm.run(prog, data, 0, s, data.length, data.length, 1);
                assertThat(jm.match(data, s, data.length, scratch)).as("%s at %d", re, s).isEqualTo(expected);
                matched += expected >= 0 ? 1 : 0;
            }
        }
        assertThat(matched).isGreaterThan(1000);
    }

    private static String randomHex(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int tokens = 2 + rnd.nextInt(6);
        sb.append(randomByte(rnd));
        for (int i = 1; i < tokens; i++) {
            int kind = rnd.nextInt(5);
            if (kind == 0) {
                int lo = rnd.nextInt(4);
                int hi = lo + rnd.nextInt(5);
                sb.append(lo == hi ? " [" + Math.max(1, lo) + "]" : " [" + lo + "-" + hi + "]");
            } else if (kind == 1) {
                sb.append(" ??");
            }
            if (kind == 4) {
                // alternatives of one byte each: one set for the jump matcher
                sb.append(" ( ").append(randomByte(rnd)).append(" | ").append(randomByte(rnd));
                sb.append(rnd.nextBoolean() ? " | " + randomByte(rnd) + " )" : " )");
            } else {
                sb.append(' ').append(randomByte(rnd));
            }
        }
        return sb.toString();
    }

    private static String randomByte(Random rnd) {
        int v = rnd.nextInt(4);
        return switch (v) {
            case 0 -> "4?";
            default -> String.format("%02X", 0x40 + v);
        };
    }
}
