package dev.vigil.yara.strings;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StartFilter#collectAmong} skips starts by what earlier starts showed (runs, misses of the same parity); it must
 * keep exactly the starts whose first characters fit the sets, as testing each start on its own does.
 */
class StartFilterTest {

    /** The starts that fit, each tested alone: ascii, or wide (each character followed by a zero byte). */
    private static List<Integer> naive(StartFilter f, byte[] buf, int from, int to, int end) {
        List<Integer> out = new ArrayList<>();
        for (int s = from; s < to; s++) {
            if ((f.ascii() && fits(f.prefix(), buf, s, end, 1)) || (f.wide() && fits(f.prefix(), buf, s, end, 2))) {
                out.add(s);
            }
        }
        return out;
    }

    private static boolean fits(long[] prefix, byte[] buf, int s, int end, int charSize) {
        for (int d = 0; d < prefix.length / 4; d++) {
            int i = s + d * charSize;
            if (i >= end) {
                return true; // the data ends first: the string may still match there, as far as the filter knows
            }
            int b = buf[i] & 0xFF;
            if ((prefix[4 * d + (b >>> 6)] & (1L << b)) == 0) {
                return false;
            }
            if (charSize == 2 && i + 1 < end && buf[i + 1] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Every position as a candidate, {@code block} positions per call, as the scan calls it block by block. */
    private static List<Integer> collected(StartFilter f, byte[] buf, int from, int to, int end, int block) {
        List<Integer> out = new ArrayList<>();
        int[] candidates = new int[block];
        int[] starts = new int[block];
        for (int at = from; at < to; at += block) {
            int count = Math.min(block, to - at);
            for (int i = 0; i < count; i++) {
                candidates[i] = at + i;
            }
            int n = f.collectAmong(buf, candidates, count, end, starts);
            for (int i = 0; i < n; i++) {
                out.add(starts[i]);
            }
        }
        return out;
    }

    private static long[] set(Random r, int[] alphabet) {
        long[] s = new long[4];
        for (int b : alphabet) {
            if (r.nextInt(5) > 0) {
                s[b >>> 6] |= 1L << b;
            }
        }
        s[alphabet[0] >>> 6] |= 1L << alphabet[0]; // never empty
        return s;
    }

    /** Up to {@code max} bytes: long runs of the alphabet's first bytes, zeros for wide text, and other bytes. */
    /** Random data, where its valid part ends, a range [from, to) of starts in it, and a block size to walk it by. */
    private record Window(byte[] buf, int end, int from, int to, int block) {
        static Window random(Random r, int[] alphabet, int max) {
            byte[] buf = data(r, alphabet, max);
            int end = 1 + r.nextInt(buf.length);
            int from = r.nextInt(end);
            int to = from + 1 + r.nextInt(end - from);
            return new Window(buf, end, from, to, 1 + r.nextInt(r.nextBoolean() ? 4 : 64));
        }
    }

    private static byte[] data(Random r, int[] alphabet, int max) {
        byte[] buf = new byte[1 + r.nextInt(max)];
        for (int i = 0; i < buf.length; i++) {
            int k = r.nextInt(10);
            buf[i] = (byte) (k < 5 ? alphabet[r.nextInt(3)] : k < 8 ? 0 : k < 9 ? alphabet[r.nextInt(alphabet.length)]
                    : r.nextInt(256));
        }
        return buf;
    }

    @Test
    void keepsExactlyTheStartsThatFit() {
        Random r = new Random(20261124);
        int[] alphabet = {'0', '1', '2', 'a', 'b', 'F', 0x90, 0xff};
        int checked = 0;
        for (int round = 0; round < 3000; round++) {
            int depth = 1 + r.nextInt(8);
            boolean uniform = r.nextBoolean();
            long[] prefix = new long[4 * depth];
            long[] one = set(r, alphabet);
            for (int d = 0; d < depth; d++) {
                System.arraycopy(uniform ? one : set(r, alphabet), 0, prefix, 4 * d, 4);
            }
            int mode = r.nextInt(3);
            StartFilter f = new StartFilter(prefix, mode != 1, mode != 0);
            Window w = Window.random(r, alphabet, 200);
            List<Integer> expected = naive(f, w.buf(), w.from(), w.to(), w.end());
            assertThat(collected(f, w.buf(), w.from(), w.to(), w.end(), w.block()))
                    .as("round %d: %s, uniform %s, from %d to %d end %d", round, f, uniform, w.from(), w.to(),
                            w.end())
                    .isEqualTo(expected);
            // the same over candidates: the positions whose byte is in the first set, and some others
            long[] first = f.firstSet();
            int[] candidates = new int[w.to() - w.from()];
            int count = 0;
            for (int i = w.from(); i < w.to(); i++) {
                int b = w.buf()[i] & 0xFF;
                if ((first[b >>> 6] & (1L << b)) != 0 || r.nextInt(4) == 0) {
                    candidates[count++] = i;
                }
            }
            int[] out = new int[count];
            int n = f.collectAmong(w.buf(), candidates, count, w.end(), out);
            assertThat(java.util.Arrays.stream(out, 0, n).boxed().toList())
                    .as("round %d among candidates: %s, uniform %s", round, f, uniform)
                    .isEqualTo(expected);
            checked += expected.size();
        }
        assertThat(checked).as("starts kept over all rounds").isGreaterThan(4_000);
    }

    /** The starts {@link StartFilter#collectFromRuns} reads off runs found block by block. */
    private static List<Integer> fromRuns(StartFilter f, SetRuns runs, byte[] buf, int from, int to, int end,
                                          int block) {
        List<Integer> out = new ArrayList<>();
        int[] starts = new int[block];
        for (int at = from; at < to; at += block) {
            runs.find(buf, at, Math.min(to, at + block), end);
            int n = f.collectFromRuns(runs, starts);
            for (int i = 0; i < n; i++) {
                out.add(starts[i]);
            }
        }
        return out;
    }

    /**
     * Runs found once serve every uniform filter of their set whose depth is at least the one they were found for:
     * each keeps exactly the starts that fit, as testing each start alone does. The set sometimes holds the zero byte,
     * so that a start can fit both ascii and wide.
     */
    @Test
    void runsGiveEveryUniformFilterTheStartsThatFit() {
        Random r = new Random(20261125);
        int[] alphabet = {'0', '1', 0, 'a', 'b', 'F', 0x90, 0xff};
        int checked = 0;
        int both = 0;
        for (int round = 0; round < 4000; round++) {
            int depth = 1 + r.nextInt(8);
            long[] one = set(r, alphabet);
            if (r.nextInt(4) == 0) {
                one[0] |= 1L; // the zero byte
            }
            long[] prefix = new long[4 * depth];
            for (int d = 0; d < depth; d++) {
                System.arraycopy(one, 0, prefix, 4 * d, 4);
            }
            int mode = r.nextInt(3);
            StartFilter f = new StartFilter(prefix, mode != 1, mode != 0);
            assertThat(f.uniform()).isTrue();
            // runs made for this depth, or for a shorter one (another filter of the set), or for ascii or wide alone
            int shorter = 1 + r.nextInt(depth);
            int asciiDepth = f.ascii() ? shorter : r.nextBoolean() ? Integer.MAX_VALUE : shorter;
            int wideDepth = f.wide() ? shorter : r.nextBoolean() ? Integer.MAX_VALUE : shorter;
            SetRuns runs = new SetRuns(one, asciiDepth, wideDepth);
            Window w = Window.random(r, alphabet, 300);
            List<Integer> expected = naive(f, w.buf(), w.from(), w.to(), w.end());
            assertThat(fromRuns(f, runs, w.buf(), w.from(), w.to(), w.end(), w.block()))
                    .as("round %d: %s, runs for %d/%d, from %d to %d end %d, block %d", round, f, asciiDepth,
                            wideDepth, w.from(), w.to(), w.end(), w.block())
                    .isEqualTo(expected);
            checked += expected.size();
            for (int s : expected) {
                if (f.ascii() && f.wide() && fits(f.prefix(), w.buf(), s, w.end(), 1)
                        && fits(f.prefix(), w.buf(), s, w.end(), 2)) {
                    both++;
                }
            }
        }
        assertThat(checked).as("starts kept over all rounds").isGreaterThan(5_000);
        assertThat(both).as("starts that fit both ascii and wide").isGreaterThan(50);
    }

    /** Runs for no depth at all find nothing, and looking ahead by "no depth" must not run off the buffer. */
    @Test
    void runsForNoDepthFindNothing() {
        long[] digits = new long[4];
        digits[0] = 0x03FF000000000000L;
        byte[] buf = "12 345 x6789".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        SetRuns runs = new SetRuns(digits, Integer.MAX_VALUE, Integer.MAX_VALUE);
        runs.find(buf, 0, buf.length, buf.length);
        assertThat(runs.ascii.count + runs.wide.count).isZero();
    }

    @Test
    void aRunLongerThanTheDepthKeepsEveryStartThatHasDepthCharactersLeft() {
        long[] hex = new long[4];
        for (char c : "0123456789abcdef".toCharArray()) {
            hex[c >>> 6] |= 1L << c;
        }
        long[] prefix = new long[16];
        for (int d = 0; d < 4; d++) {
            System.arraycopy(hex, 0, prefix, 4 * d, 4);
        }
        byte[] buf = "zz0123456789z".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        StartFilter f = new StartFilter(prefix, true, false);
        // starts 2..8 have four hex characters; 9..11 run into the 'z' at 12
        assertThat(collected(f, buf, 0, buf.length, buf.length, 64)).containsExactly(2, 3, 4, 5, 6, 7, 8);
        // where the data ends inside the run, the last starts are kept: the string may still match there
        assertThat(collected(f, buf, 0, 12, 12, 64)).containsExactly(2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }
}
