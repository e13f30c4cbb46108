package dev.vigil.engine.match;

import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;

import java.util.List;

/**
 * Chooses the literal anchor ("atom") of each part: up to four consecutive byte positions with few possible values,
 * scored so that rare bytes win over 00, FF, spaces and other bytes that fill real files. The matcher looks for atoms
 * only, and verifies the whole part where one occurs.
 */
final class Atoms {
    static final int MAX_LENGTH = 4;
    /** Limit on how many literal atoms one choice may expand into (caseless letters double it each). */
    static final int MAX_EXPANSION = 16;

    private Atoms() {
    }

    /**
     * Stores up to {@code max} atom candidates of the part in {@code out}, best first, and returns how many. The
     * compiler starts from the best and moves a part to a lesser candidate when too many other patterns share its
     * best one (x86 idioms, common strings).
     */
    static int candidates(Part part, int max, AtomCandidates out) {
        List<PatternNode> nodes = part.nodes();
        int n = nodes.size();
        Scratch w = out.scratch(n, max);
        classify(nodes, n, w);
        int kept = rank(n, max, w);
        return store(kept, w, out);
    }

    // The steps are methods of their own: a load runs them for every part of every signature, and the JIT compiles
    // (and, when a later database brings other shapes, recompiles) small methods far more cheaply than one large one.

    /** Per node: number of values it can take (0 = not a narrow byte set), rarity score, lengths, run with the previous. */
    private static void classify(List<PatternNode> nodes, int n, Scratch w) {
        int[] width = w.width;
        double[] score = w.score;
        ByteSet[] sets = w.sets;
        long[] minLengths = w.minLengths;
        long[] maxLengths = w.maxLengths;
        boolean[] sameAsPrevious = w.sameAsPrevious;
        for (int i = 0; i < n; i++) {
            PatternNode node = nodes.get(i);
            if (node instanceof ByteSet s) {
                // nearly every node: no interface calls for its lengths
                minLengths[i] = 1;
                maxLengths[i] = 1;
                int size = s.size();
                boolean narrow = size <= 4;
                width[i] = narrow ? size : 0;
                score[i] = narrow ? rarity(s, size) : 0;
                sets[i] = narrow ? s : null;
                sameAsPrevious[i] = narrow && i > 0 && sets[i - 1] != null && sameSet(s, sets[i - 1]);
            } else {
                minLengths[i] = node.minLength();
                maxLengths[i] = node.maxLength();
                width[i] = 0;
                sets[i] = null;
                sameAsPrevious[i] = false;
            }
        }
    }

    /** Scores the window at each position and keeps the best {@code max} in {@code w}'s lists; returns how many. */
    private static int rank(int n, int max, Scratch w) {
        int[] width = w.width;
        double[] score = w.score;
        boolean[] sameAsPrevious = w.sameAsPrevious;
        long[] minLengths = w.minLengths;
        long[] maxLengths = w.maxLengths;
        int kept = 0;
        long prefixMin = 0;
        long prefixMax = 0;
        for (int i = 0; i < n; i++) {
            if (prefixMax > 1 << 20) {
                break;
            }
            int limit = Math.min(MAX_LENGTH, n - i);
            int len = 0;
            int expansion = 1;
            double sc = 0;
            for (; len < limit; len++) {
                int wd = width[i + len];
                if (wd == 0 || expansion * wd > MAX_EXPANSION) {
                    break;
                }
                expansion *= wd;
                sc += score[i + len];
                if (len > 0 && sameAsPrevious[i + len]) {
                    sc -= 4; // runs such as 00 00 or 90 90 are common in files
                }
            }
            if (len > 0) {
                sc -= Math.log(expansion) * 3;
                if (prefixMin != prefixMax) {
                    sc -= 2 + (prefixMax - prefixMin); // a variable prefix means several candidate starts
                }
                kept = insert(w, kept, max, i, len, sc, prefixMin, prefixMax);
            }
            prefixMin += minLengths[i];
            prefixMax += maxLengths[i];
        }
        return kept;
    }

    /** Inserts a window into the sorted top-{@code max} list of {@code kept} entries; returns the new count. */
    private static int insert(Scratch w, int kept, int max, int i, int len, double sc, long prefixMin,
                              long prefixMax) {
        double[] scores = w.scores;
        int pos = kept;
        while (pos > 0 && scores[pos - 1] < sc) {
            pos--;
        }
        if (pos >= max) {
            return kept;
        }
        int[] at = w.at;
        int[] lens = w.lens;
        long[] mins = w.mins;
        long[] maxs = w.maxs;
        int last = Math.min(kept, max - 1);
        for (int k = last; k > pos; k--) {
            at[k] = at[k - 1];
            lens[k] = lens[k - 1];
            scores[k] = scores[k - 1];
            mins[k] = mins[k - 1];
            maxs[k] = maxs[k - 1];
        }
        at[pos] = i;
        lens[pos] = len;
        scores[pos] = sc;
        mins[pos] = prefixMin;
        maxs[pos] = prefixMax;
        return Math.min(kept + 1, max);
    }

    /** Expands and stores the kept windows; returns how many were stored. */
    private static int store(int kept, Scratch w, AtomCandidates out) {
        int[] width = w.width;
        int[] at = w.at;
        int[] lens = w.lens;
        // The compiler only ever moves a part to a candidate at least as long as its best: shorter ones are not kept.
        int stored = 0;
        for (int k = 0; k < kept; k++) {
            if (lens[k] < lens[0]) {
                continue;
            }
            int expansion = 1;
            for (int j = 0; j < lens[k]; j++) {
                expansion *= width[at[k] + j];
            }
            int[] block = out.add(lens[k], (int) w.mins[k], (int) w.maxs[k], w.scores[k], expansion);
            expand(w.sets, at[k], lens[k], block, out.valueOffset());
            out.commit();
            stored++;
        }
        return stored;
    }

    /** Per-part working arrays, reused from part to part. */
    static final class Scratch {
        int[] width = new int[0];
        double[] score = new double[0];
        ByteSet[] sets = new ByteSet[0];
        long[] minLengths = new long[0];
        long[] maxLengths = new long[0];
        boolean[] sameAsPrevious = new boolean[0];
        int[] at = new int[0];
        int[] lens = new int[0];
        double[] scores = new double[0];
        long[] mins = new long[0];
        long[] maxs = new long[0];

        Scratch ensure(int nodes, int max) {
            if (width.length < nodes) {
                int cap = Math.max(nodes, width.length * 2);
                width = new int[cap];
                score = new double[cap];
                sets = new ByteSet[cap];
                minLengths = new long[cap];
                maxLengths = new long[cap];
                sameAsPrevious = new boolean[cap];
            }
            if (at.length < max) {
                at = new int[max];
                lens = new int[max];
                scores = new double[max];
                mins = new long[max];
                maxs = new long[max];
            }
            return this;
        }
    }

    private static boolean sameSet(ByteSet a, ByteSet b) {
        return a == b || (a.w0() == b.w0() && a.w1() == b.w1() && a.w2() == b.w2() && a.w3() == b.w3());
    }

    /** How much one position narrows the search: rare, specific bytes score high. */
    private static double rarity(ByteSet s, int size) {
        if (size == 1) {
            return RARITY[s.singleValue()];
        }
        double worst = Double.POSITIVE_INFINITY;
        long[] words = {s.w0(), s.w1(), s.w2(), s.w3()};
        for (int i = 0; i < 4; i++) {
            for (long w = words[i]; w != 0; w &= w - 1) {
                worst = Math.min(worst, RARITY[i * 64 + Long.numberOfTrailingZeros(w)]);
            }
        }
        return worst;
    }

    /** {@link #byteRarity} of every byte, looked up once per pattern position. */
    private static final double[] RARITY = new double[256];

    static {
        for (int v = 0; v < 256; v++) {
            RARITY[v] = byteRarity(v);
        }
    }

    private static double byteRarity(int v) {
        return switch (v) {
            case 0x00 -> 1;
            case 0xff -> 2.5;
            case 0x20, 0x90, 0xcc, 0x0a, 0x0d, 0x01 -> 4;
            default -> {
                if ((v >= 'a' && v <= 'z') || (v >= '0' && v <= '9')) {
                    yield 6.5;
                }
                if (v >= 'A' && v <= 'Z') {
                    yield 7;
                }
                yield 8;
            }
        };
    }

    /** All little-endian values the window can take, written to {@code out} from {@code from}. */
    private static void expand(ByteSet[] sets, int at, int len, int[] out, int from) {
        int n = 1;
        out[from] = 0;
        for (int k = 0; k < len; k++) {
            ByteSet set = sets[at + k];
            int single = set.singleValue();
            if (single >= 0) {
                for (int j = 0; j < n; j++) {
                    out[from + j] |= single << (8 * k);
                }
                continue;
            }
            int[] vals = set.values();
            int m = n;
            for (int r = 1; r < vals.length; r++) {
                for (int j = 0; j < m; j++) {
                    out[from + n++] = out[from + j] | (vals[r] << (8 * k));
                }
            }
            for (int j = 0; j < m; j++) {
                out[from + j] |= vals[0] << (8 * k);
            }
        }
    }
}
