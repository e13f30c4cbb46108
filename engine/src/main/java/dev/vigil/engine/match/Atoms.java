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

    /** An atom: its node index in the part, its length, the literal values it expands to, and the prefix span. */
    record Choice(int nodeIndex, int length, int[] values, int prefixMin, int prefixMax) {
    }

    private Atoms() {
    }

    /** The best atom of the part, or null if it has no byte positions narrow enough to anchor on. */
    static Choice choose(Part part) {
        List<PatternNode> nodes = part.nodes();
        Choice best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        long prefixMin = 0;
        long prefixMax = 0;
        for (int i = 0; i < nodes.size(); i++) {
            // Try windows starting at i, longest first.
            for (int len = MAX_LENGTH; len >= 1; len--) {
                if (i + len > nodes.size()) {
                    continue;
                }
                int expansion = 1;
                double score = 0;
                boolean ok = true;
                for (int k = 0; k < len && ok; k++) {
                    if (!(nodes.get(i + k) instanceof ByteSet s) || s.size() > 4) {
                        ok = false;
                        break;
                    }
                    expansion *= s.size();
                    score += rarity(s);
                    if (k > 0 && nodes.get(i + k).equals(nodes.get(i + k - 1))) {
                        score -= 4; // runs such as 00 00 or 90 90 are common in files
                    }
                }
                if (!ok || expansion > MAX_EXPANSION || prefixMax > 1 << 20) {
                    continue;
                }
                score -= Math.log(expansion) * 3;
                if (prefixMin != prefixMax) {
                    score -= 2 + (prefixMax - prefixMin); // a variable prefix means several candidate starts
                }
                if (score > bestScore) {
                    bestScore = score;
                    best = new Choice(i, len, expand(nodes, i, len, expansion), (int) prefixMin, (int) prefixMax);
                }
                break; // a shorter window at the same start is never better
            }
            prefixMin += nodes.get(i).minLength();
            prefixMax += nodes.get(i).maxLength();
        }
        return best;
    }

    /** How much one position narrows the search: rare, specific bytes score high. */
    private static double rarity(ByteSet s) {
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
