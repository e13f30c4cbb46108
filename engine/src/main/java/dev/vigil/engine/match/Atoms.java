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

    /**
     * An atom: its node index in the part, its length, the literal values it expands to, the prefix span, and its
     * score (higher is more selective).
     */
    record Choice(int nodeIndex, int length, int[] values, int prefixMin, int prefixMax, double score) {
    }

    private Atoms() {
    }

    /**
     * Up to {@code max} atom candidates of the part, best first. The compiler starts from the best and moves a part
     * to a lesser candidate when too many other patterns share its best one (x86 idioms, common strings).
     */
    static List<Choice> candidates(Part part, int max) {
        List<PatternNode> nodes = part.nodes();
        int n = nodes.size();
        // Per node: number of values it can take (0 = not a narrow byte set) and its rarity score.
        int[] width = new int[n];
        double[] score = new double[n];
        for (int i = 0; i < n; i++) {
            if (nodes.get(i) instanceof ByteSet s && s.size() <= 4) {
                width[i] = s.size();
                score[i] = rarity(s);
            }
        }
        int[] at = new int[max];
        int[] lens = new int[max];
        double[] scores = new double[max];
        long[] mins = new long[max];
        long[] maxs = new long[max];
        int kept = 0;
        long prefixMin = 0;
        long prefixMax = 0;
        for (int i = 0; i < n && prefixMax <= 1 << 20; i++) {
            int len = 0;
            int expansion = 1;
            double sc = 0;
            while (len < MAX_LENGTH && i + len < n && width[i + len] > 0
                    && expansion * width[i + len] <= MAX_EXPANSION) {
                expansion *= width[i + len];
                sc += score[i + len];
                if (len > 0 && nodes.get(i + len).equals(nodes.get(i + len - 1))) {
                    sc -= 4; // runs such as 00 00 or 90 90 are common in files
                }
                len++;
            }
            if (len > 0) {
                sc -= Math.log(expansion) * 3;
                if (prefixMin != prefixMax) {
                    sc -= 2 + (prefixMax - prefixMin); // a variable prefix means several candidate starts
                }
                // Insert into the sorted top-max list.
                int pos = kept;
                while (pos > 0 && scores[pos - 1] < sc) {
                    pos--;
                }
                if (pos < max) {
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
                    kept = Math.min(kept + 1, max);
                }
            }
            prefixMin += nodes.get(i).minLength();
            prefixMax += nodes.get(i).maxLength();
        }
        List<Choice> out = new java.util.ArrayList<>(kept);
        for (int k = 0; k < kept; k++) {
            int expansion = 1;
            for (int j = 0; j < lens[k]; j++) {
                expansion *= width[at[k] + j];
            }
            out.add(new Choice(at[k], lens[k], expand(nodes, at[k], lens[k], expansion), (int) mins[k],
                    (int) maxs[k], scores[k]));
        }
        return out;
    }

    /** How much one position narrows the search: rare, specific bytes score high. */
    private static double rarity(ByteSet s) {
        if (s.isSingleton()) {
            return byteRarity(s.singleValue());
        }
        double worst = Double.POSITIVE_INFINITY;
        for (int v : s.values()) {
            worst = Math.min(worst, byteRarity(v));
        }
        return worst;
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

    /** All little-endian values the window can take. */
    private static int[] expand(List<PatternNode> nodes, int at, int len, int expansion) {
        int[] out = new int[expansion];
        int n = 1;
        out[0] = 0;
        for (int k = 0; k < len; k++) {
            int[] vals = ((ByteSet) nodes.get(at + k)).values();
            int m = n;
            for (int r = 1; r < vals.length; r++) {
                for (int j = 0; j < m; j++) {
                    out[n++] = out[j] | (vals[r] << (8 * k));
                }
            }
            for (int j = 0; j < m; j++) {
                out[j] |= vals[0] << (8 * k);
            }
        }
        return out;
    }
}
