package dev.vigil.yara.strings;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jump matcher must report exactly what the NFA reports for every start: random hex strings of byte sets and
 * jumps run on random data over a small alphabet (so that partial matches and competing jump lengths are common).
 */
class JumpMatcherTest {

    /** Literal bytes, nibbles and data bytes 0x41-0x43. */
    private static final String[] LOW = {"4?", "41", "42", "43"};
    private static final int[] LOW_DATA = {0x41, 0x42, 0x43};
    /**
     * Bytes that differ in their top bit only, and nibbles on either side: a compare of masks and values that lost
     * the sign bit of a byte would take 0xC1 for 0x41.
     */
    private static final String[] TOP_BIT = {"C?", "?1", "41", "C1", "42", "C2", "??"};
    private static final int[] TOP_BIT_DATA = {0x41, 0xC1, 0x42, 0xC2};

    @Test
    void agreesWithTheNfaOnRandomHexStringsAndData() {
        agreesWithTheNfa(new Random(42), LOW, LOW_DATA, 1000);
    }

    @Test
    void agreesWithTheNfaWhereBytesDifferInTheTopBitOnly() {
        agreesWithTheNfa(new Random(43), TOP_BIT, TOP_BIT_DATA, 300);
    }

    private static void agreesWithTheNfa(Random rnd, String[] bytes, int[] alphabet, int minMatched) {
        PikeVm vm = new PikeVm();
        JumpMatcher.Scratch scratch = new JumpMatcher.Scratch();
        int compared = 0;
        int matched = 0;
        for (int t = 0; t < 3000; t++) {
            String hex = randomHex(rnd, bytes);
            ReNode root = HexParser.parse(hex);
            JumpMatcher jm = JumpMatcher.of(root, 4096);
            if (jm == null) {
                continue;
            }
            Program prog = Program.compile(root, 4097);
            byte[] data = new byte[200];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) alphabet[rnd.nextInt(alphabet.length)];
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
        assertThat(matched).isGreaterThan(minMatched);
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

    /**
     * Runs of eight bytes and more are compared a word at a time when every byte is a literal, a nibble or a
     * wildcard; runs with {@code ~} or one-byte alternatives are not. Data planted with (mutated) copies of the
     * pattern, so that long runs match and fail at every place, including the last, overlapping word.
     */
    @Test
    void agreesWithTheNfaOnLongRuns() {
        Random rnd = new Random(77);
        PikeVm vm = new PikeVm();
        JumpMatcher.Scratch scratch = new JumpMatcher.Scratch();
        int matched = 0;
        for (int t = 0; t < 400; t++) {
            StringBuilder hex = new StringBuilder();
            List<int[]> bytes = new ArrayList<>(); // per pattern byte: a value it accepts, and the jump before it
            int runs = 1 + rnd.nextInt(3);
            for (int r = 0; r < runs; r++) {
                int jump = 0;
                if (r > 0) {
                    jump = rnd.nextInt(3);
                    hex.append(" [").append(jump).append('-').append(jump + rnd.nextInt(3)).append(']');
                }
                int len = 8 + rnd.nextInt(20);
                for (int i = 0; i < len; i++) {
                    int v = rnd.nextInt(256);
                    int kind = rnd.nextInt(12);
                    String tok = kind < 7 ? String.format("%02X", v) : kind < 8 ? String.format("%X?", v >>> 4)
                            : kind < 9 ? String.format("?%X", v & 15) : kind < 10 ? "??"
                            : kind < 11 ? String.format("~%02X", v) : String.format("( %02X | %02X )", v, v ^ 1);
                    hex.append(' ').append(tok);
                    int free = kind < 7 ? 0 : kind < 8 ? 0x0F : kind < 9 ? 0xF0 : kind < 10 ? 0xFF : 0;
                    int accepted = kind == 10 ? v ^ 0x80 : v;
                    bytes.add(new int[] {accepted, free, i == 0 ? jump : 0});
                }
            }
            ReNode root = HexParser.parse(hex.toString().trim());
            JumpMatcher jm = JumpMatcher.of(root, 4096);
            assertThat(jm).as(hex.toString()).isNotNull();
            Program prog = Program.compile(root, 4097);
            byte[] data = new byte[600];
            rnd.nextBytes(data);
            for (int copy = 0; copy < 12; copy++) {
                int at = rnd.nextInt(data.length - 200);
                int gap = 0;
                for (int i = 0; i < bytes.size(); i++) {
                    int[] b = bytes.get(i);
                    gap += b[2]; // the shortest jump: the bytes it skips stay as they are
                    data[at + i + gap] = (byte) ((b[0] & ~b[1]) | (rnd.nextInt(256) & b[1]));
                }
                if (rnd.nextBoolean()) {
                    int flip = at + rnd.nextInt(bytes.size());
                    data[flip] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            for (int s = 0; s < data.length; s++) {
                int limit = Math.min(data.length, s + 1 + rnd.nextInt(150));
                int expected = vm.run(prog, data, 0, s, limit, data.length, 1);
                assertThat(jm.match(data, s, limit, scratch)).as("%s at %d limit %d", hex, s, limit)
                        .isEqualTo(expected);
                matched += expected >= 0 ? 1 : 0;
            }
        }
        assertThat(matched).isGreaterThan(1000);
    }

    @Test
    void maskAndValueDescribeExactlyTheSetsTheyStandFor() {
        long[] sets = new long[4 * 5];
        set(sets, 0, 0x41);                    // 41
        for (int b = 0x40; b < 0x50; b++) {    // 4?
            set(sets, 1, b);
        }
        for (int b = 0; b < 256; b++) {        // ??
            set(sets, 2, b);
        }
        set(sets, 3, 0x41);                    // 41 | 43: two values, but not one mask
        set(sets, 3, 0x43);
        set(sets, 3, 0x45);
        for (int b = 0; b < 256; b++) {        // ~41
            if (b != 0x41) {
                set(sets, 4, b);
            }
        }
        assertThat(JumpMatcher.maskValue(sets, 0)).isEqualTo(0xFF << 8 | 0x41);
        assertThat(JumpMatcher.maskValue(sets, 1)).isEqualTo(0xF0 << 8 | 0x40);
        assertThat(JumpMatcher.maskValue(sets, 2)).isEqualTo(0);
        assertThat(JumpMatcher.maskValue(sets, 3)).isEqualTo(-1);
        assertThat(JumpMatcher.maskValue(sets, 4)).isEqualTo(-1);
    }

    private static void set(long[] sets, int i, int b) {
        sets[i * 4 + (b >>> 6)] |= 1L << (b & 63);
    }

    private static String randomHex(Random rnd, String[] bytes) {
        StringBuilder sb = new StringBuilder();
        int tokens = 2 + rnd.nextInt(6);
        sb.append(randomByte(rnd, bytes));
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
                sb.append(" ( ").append(randomByte(rnd, bytes)).append(" | ").append(randomByte(rnd, bytes));
                sb.append(rnd.nextBoolean() ? " | " + randomByte(rnd, bytes) + " )" : " )");
            } else {
                sb.append(' ').append(randomByte(rnd, bytes));
            }
        }
        return sb.toString();
    }

    private static String randomByte(Random rnd, String[] bytes) {
        return bytes[rnd.nextInt(bytes.length)];
    }
}
