package dev.vigil.yara.strings;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks literal atoms for a pattern: a window of up to 4 consecutive single bytes (or small byte sets, expanded) that
 * every match contains, at a known distance range from the match start. Alternations give the union of their sides'
 * atoms. Where nothing usable exists the pattern gets no atoms and is verified at every offset.
 */
final class PatternAtoms {

    static final int INF = Integer.MAX_VALUE / 4;
    // A nibble wildcard (4? or ?4) is a set of 16: allowing it lets "F6 D? 1A" be 16 three-byte atoms instead of
    // a lone, far more frequent "F6".
    private static final int MAX_SET = 16;
    private static final int MAX_EXPANSION = 16;

    /**
     * Atoms with the range [minOff, maxOff] of their distance from the match start (in characters). {@code tailFrom}:
     * when the atoms are a window of the pattern's top-level sequence, the index of the window's first node there
     * (every match then continues from the atom with that sequence's rest), else -1.
     */
    record Choice(List<byte[]> atoms, int[] minOff, int[] maxOff, int score, int tailFrom, List<ReNode> window) {

        /** A window not expanded yet: one offset range for all its atoms; {@link #expanded} makes the list. */
        static Choice window(List<ReNode> window, int minOff, int maxOff, int score, int tailFrom) {
            return new Choice(null, new int[] {minOff}, new int[] {maxOff}, score, tailFrom, window);
        }

        Choice expanded() {
            if (window == null) {
                return this;
            }
            List<byte[]> list = expand(window);
            int[] lo = new int[list.size()];
            int[] hi = new int[list.size()];
            java.util.Arrays.fill(lo, minOff[0]);
            java.util.Arrays.fill(hi, maxOff[0]);
            return new Choice(list, lo, hi, score, tailFrom, null);
        }

        Choice with(int[] lo, int[] hi, int newScore, int newTailFrom) {
            return new Choice(atoms, lo, hi, newScore, newTailFrom, window);
        }
    }

    private PatternAtoms() {
    }

    static Choice choose(ReNode root, int maxSpread) {
        Choice c = root.type == ReNode.Type.CONCAT ? ofConcat(root.children) : of(root);
        if (c == null) {
            return null;
        }
        c = c.expanded();
        for (int i = 0; i < c.atoms.size(); i++) {
            if (c.minOff[i] > maxSpread) {
                return null;
            }
            // no match reaches further than the scan window, so neither can the distance to its atom
            c.maxOff[i] = Math.min(c.maxOff[i], maxSpread);
        }
        return c;
    }

    static int minLen(ReNode n) {
        return switch (n.type) {
            case BYTES -> 1;
            case CONCAT -> {
                long s = 0;
                for (ReNode c : n.children) {
                    s += minLen(c);
                }
                yield (int) Math.min(s, INF);
            }
            case ALT -> Math.min(minLen(n.children.get(0)), minLen(n.children.get(1)));
            case REPEAT -> (int) Math.min((long) n.min * minLen(n.children.get(0)), INF);
            default -> 0;
        };
    }

    static int maxLen(ReNode n) {
        return switch (n.type) {
            case BYTES -> 1;
            case CONCAT -> {
                long s = 0;
                for (ReNode c : n.children) {
                    s += maxLen(c);
                }
                yield (int) Math.min(s, INF);
            }
            case ALT -> Math.max(maxLen(n.children.get(0)), maxLen(n.children.get(1)));
            case REPEAT -> {
                int m = maxLen(n.children.get(0));
                yield n.max == Integer.MAX_VALUE && m > 0 ? INF : (int) Math.min((long) n.max * m, INF);
            }
            default -> 0;
        };
    }

    private static Choice of(ReNode n) {
        return switch (n.type) {
            case BYTES -> {
                int card = cardinality(n);
                yield card > 0 && card <= MAX_SET ? run(List.of(n), new int[] {card}, 0, 0, 0) : null;
            }
            case CONCAT -> nested(ofConcat(n.children));
            case ALT -> {
                Choice a = of(n.children.get(0));
                Choice b = of(n.children.get(1));
                if (a == null || b == null) {
                    yield null;
                }
                a = a.expanded();
                b = b.expanded();
                List<byte[]> atoms = new ArrayList<>(a.atoms);
                atoms.addAll(b.atoms);
                yield new Choice(atoms, concat(a.minOff, b.minOff), concat(a.maxOff, b.maxOff),
                        Math.min(a.score, b.score) - 2, -1, null);
            }
            case REPEAT -> n.min >= 1 ? nested(of(n.children.get(0))) : null;
            default -> null;
        };
    }

    private static Choice offsetTail(Choice c, int by) {
        return c == null ? null : c.with(c.minOff, c.maxOff, c.score, c.tailFrom + by);
    }

    /** The same atoms found inside a node: their window is no longer in the top-level sequence. */
    private static Choice nested(Choice c) {
        return c == null || c.tailFrom < 0 ? c : c.with(c.minOff, c.maxOff, c.score, -1);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static Choice ofConcat(List<ReNode> children) {
        Choice best = null;
        long min = 0;
        long max = 0;
        int runStart = -1;
        long runMin = 0;
        long runMax = 0;
        int[] cards = new int[children.size()];
        for (int i = 0; i <= children.size(); i++) {
            ReNode c = i < children.size() ? children.get(i) : null;
            int card = c != null && c.type == ReNode.Type.BYTES ? cardinality(c) : 0;
            if (c != null) {
                cards[i] = card;
            }
            boolean small = card > 0 && card <= MAX_SET;
            if (small) {
                if (runStart < 0) {
                    runStart = i;
                    runMin = min;
                    runMax = max;
                }
            } else {
                if (runStart >= 0) {
                    best = better(best, offsetTail(run(children.subList(runStart, i), cards, runStart,
                            (int) Math.min(runMin, INF), (int) Math.min(runMax, INF)), runStart));
                    runStart = -1;
                }
                if (c != null && c.type != ReNode.Type.BYTES) {
                    Choice inner = of(c);
                    if (inner != null) {
                        best = better(best, shift(inner, min, max));
                    }
                }
            }
            if (c != null) {
                min = Math.min(min + minLen(c), INF);
                max = Math.min(max + maxLen(c), INF);
            }
        }
        return best;
    }

    private static Choice shift(Choice c, long min, long max) {
        int[] lo = c.minOff.clone();
        int[] hi = c.maxOff.clone();
        for (int i = 0; i < lo.length; i++) {
            lo[i] = (int) Math.min(lo[i] + min, INF);
            hi[i] = (int) Math.min(hi[i] + max, INF);
        }
        return c.with(lo, hi, c.score - (max > min ? 1 : 0), -1);
    }

    private static Choice better(Choice a, Choice b) {
        if (b == null) {
            return a;
        }
        if (a == null) {
            return b;
        }
        // Each atom hit costs one verification per possible start: weigh the score against the start range.
        int costA = a.score - spreadPenalty(a.maxOff[0] - a.minOff[0]);
        int costB = b.score - spreadPenalty(b.maxOff[0] - b.minOff[0]);
        return costB > costA ? b : a;
    }

    private static int spreadPenalty(int spread) {
        int s = Math.min(spread, PatternString.SCAN_LIMIT);
        return 2 * (32 - Integer.numberOfLeadingZeros(s));
    }

    /**
     * Best window of up to 4 nodes inside a run of small byte sets; offsets are those of the run start. The nodes'
     * set sizes are {@code cardsOf[cardsFrom..]} (the caller counted them already).
     */
    private static Choice run(List<ReNode> nodes, int[] cardsOf, int cardsFrom, int min, int max) {
        // Windows are scored on their first expansion (lowest byte of each set); only the winner is expanded.
        int bestFrom = -1;
        int bestLen = 0;
        int bestScore = 0;
        byte[] first = new byte[4];
        // each node's set size and lowest byte once, not once per window that covers it
        int size = nodes.size();
        int[] cards = new int[size];
        byte[] lows = new byte[size];
        int k = 0;
        for (ReNode n : nodes) {
            cards[k] = cardsOf[cardsFrom + k];
            lows[k++] = (byte) lowest(n.set);
        }
        for (int from = 0; from < size; from++) {
            int expansion = 1;
            int len = 0;
            while (len < 4 && from + len < size) {
                int card = cards[from + len];
                if (expansion * card > MAX_EXPANSION) {
                    break;
                }
                expansion *= card;
                first[len] = lows[from + len];
                len++;
            }
            if (len == 0) {
                continue;
            }
            // Each doubling of the expansion doubles the expected hits; a byte of quality (about 20) divides them by
            // far more, so a few points per doubling weighs the two.
            int score = AtomQuality.quality(first, 0, len) - 4 * (32 - Integer.numberOfLeadingZeros(expansion - 1))
                    - paddingPenalty(first, len);
            if (bestFrom < 0 || score > bestScore) {
                bestFrom = from;
                bestLen = len;
                bestScore = score;
            }
        }
        if (bestFrom < 0) {
            return null;
        }
        // A longer window holding the best one is hit at a subset of its places, one expansion per place: grow it
        // while the run and the expansion limit allow. The score can prefer the shorter (a lone 00 scores above
        // 00 00 00 00, which the padding penalty weighs down), but a lone 00 in a run of zeros was hit at every
        // zero byte: 24.8 million of Yara-Rules' 79.6 million atom hits over the benchmark corpus.
        int expansion = 1;
        for (int i = bestFrom; i < bestFrom + bestLen; i++) {
            expansion *= cards[i];
        }
        while (bestLen < 4) {
            int left = bestFrom > 0 ? cards[bestFrom - 1] : Integer.MAX_VALUE;
            int right = bestFrom + bestLen < size ? cards[bestFrom + bestLen] : Integer.MAX_VALUE;
            int card = Math.min(left, right);
            if (card == Integer.MAX_VALUE || (long) expansion * card > MAX_EXPANSION) {
                break;
            }
            expansion *= card;
            if (right <= left) {
                bestLen++;
            } else {
                bestFrom--;
                bestLen++;
            }
        }
        return Choice.window(nodes.subList(bestFrom, bestFrom + bestLen), (int) Math.min((long) min + bestFrom, INF),
                (int) Math.min((long) max + bestFrom, INF), bestScore, bestFrom);
    }

    /**
     * Extra weight against windows made mostly of 00 or FF bytes beyond YARA's quality: small little-endian integers
     * ({@code 01 00 00 00}), padding and -1 fill are among the most frequent 4-byte values in executables, far more
     * than the quality's per-byte discount says (one such window hit every ~130 bytes of a binary corpus).
     */
    private static int paddingPenalty(byte[] window, int len) {
        int filler = 0;
        for (int i = 0; i < len; i++) {
            if (window[i] == 0 || window[i] == (byte) 0xFF) {
                filler++;
            }
        }
        return filler >= 2 ? 8 * (filler - 1) : 0;
    }

    private static int lowest(long[] set) {
        for (int w = 0; w < 4; w++) {
            if (set[w] != 0) {
                return w * 64 + Long.numberOfTrailingZeros(set[w]);
            }
        }
        return -1;
    }

    private static int cardinality(ReNode n) {
        return Long.bitCount(n.set[0]) + Long.bitCount(n.set[1]) + Long.bitCount(n.set[2]) + Long.bitCount(n.set[3]);
    }

    private static List<byte[]> expand(List<ReNode> nodes) {
        List<byte[]> out = new ArrayList<>(MAX_EXPANSION);
        out.add(new byte[0]);
        for (ReNode n : nodes) {
            List<byte[]> next = new ArrayList<>(MAX_EXPANSION);
            for (byte[] prefix : out) {
                // the set's members in ascending order, as a scan of all 256 values would give them
                for (int w = 0; w < 4; w++) {
                    for (long bits = n.set[w]; bits != 0; bits &= bits - 1) {
                        byte[] a = java.util.Arrays.copyOf(prefix, prefix.length + 1);
                        a[prefix.length] = (byte) (w * 64 + Long.numberOfTrailingZeros(bits));
                        next.add(a);
                    }
                }
            }
            out = next;
        }
        return out;
    }
}
