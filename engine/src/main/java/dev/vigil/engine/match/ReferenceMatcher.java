package dev.vigil.engine.match;

import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.AnyBytes;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.PatternNode;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A deliberately simple matcher for {@link BodyPattern}: it tries every start position and follows every way the
 * pattern can consume bytes, keeping the set of reachable positions. Its cost grows with the window size times the
 * pattern's branching, so it is meant for small windows (file-type magic in the first kilobyte) and as the test
 * oracle for the engine's fast matcher, never for scanning whole files.
 *
 * <p>The window {@code [from, to)} is the data: matches lie entirely inside it, and look-arounds treat its ends as the
 * edges of the data. Parts follow each other with the gap between the end of one and the start of the next.
 */
public final class ReferenceMatcher {
    private ReferenceMatcher() {
    }

    /** Start of the first (leftmost) match in {@code data[from, to)}, or -1. */
    public static long find(BodyPattern p, byte[] data, int from, int to) {
        checkWindow(data, from, to);
        for (int start = from; start <= to; start++) {
            if (canStartAt(p, data, to, start) && !ends(p, data, from, to, start).isEmpty()) {
                return start;
            }
        }
        return -1;
    }

    /** Every match as a {start, end} pair (end exclusive), by ascending start then end. */
    public static List<long[]> findAll(BodyPattern p, byte[] data, int from, int to) {
        return findAllStartingIn(p, data, from, to, from, to);
    }

    /**
     * Like {@link #findAll} but only for matches starting in {@code [minStart, maxStart]} (both inclusive; the
     * window still bounds the matches and the look-arounds).
     */
    public static List<long[]> findAllStartingIn(BodyPattern p, byte[] data, int from, int to,
                                                 long minStart, long maxStart) {
        checkWindow(data, from, to);
        List<long[]> out = new ArrayList<>();
        int first = (int) Math.max(from, minStart);
        int last = (int) Math.min(to, maxStart);
        for (int start = first; start <= last; start++) {
            if (!canStartAt(p, data, to, start)) {
                continue;
            }
            BitSet ends = ends(p, data, from, to, start);
            for (int e = ends.nextSetBit(0); e >= 0; e = ends.nextSetBit(e + 1)) {
                out.add(new long[] {start, e});
            }
        }
        return out;
    }

    /**
     * The smallest end offset (exclusive) of any match starting in {@code [minStart, maxStart]}, or -1. All starts
     * are followed at once, so the cost is linear in the window for each pattern node.
     */
    public static long firstEnd(BodyPattern p, byte[] data, int from, int to, long minStart, long maxStart) {
        checkWindow(data, from, to);
        BitSet positions = new BitSet();
        int first = (int) Math.max(from, minStart);
        int last = (int) Math.min(to, maxStart);
        for (int start = first; start <= last; start++) {
            if (canStartAt(p, data, to, start)) {
                positions.set(start);
            }
        }
        return positions.isEmpty() ? -1 : follow(p, data, from, to, positions).nextSetBit(0);
    }

    /** Cheap first-byte test that spares the full search at most positions. */
    private static boolean canStartAt(BodyPattern p, byte[] data, int to, int start) {
        List<PatternNode> nodes = p.parts().get(0).nodes();
        if (nodes.isEmpty() || !(nodes.get(0) instanceof ByteSet first)) {
            return true;
        }
        return start < to && first.contains(data[start]);
    }

    private static void checkWindow(byte[] data, int from, int to) {
        if (from < 0 || to > data.length || from > to) {
            throw new IllegalArgumentException("bad window " + from + ".." + to + " of " + data.length);
        }
    }

    /** All positions where a match starting at {@code start} can end. */
    private static BitSet ends(BodyPattern p, byte[] data, int from, int to, int start) {
        BitSet positions = new BitSet();
        positions.set(start);
        return follow(p, data, from, to, positions);
    }

    /** All positions where a match starting at any of {@code positions} can end. */
    private static BitSet follow(BodyPattern p, byte[] data, int from, int to, BitSet positions) {
        for (int i = 0; i < p.parts().size(); i++) {
            if (i > 0) {
                positions = afterGap(positions, p.gaps().get(i - 1), to);
            }
            positions = advance(p.parts().get(i).nodes(), positions, data, from, to);
            if (positions.isEmpty()) {
                break;
            }
        }
        return positions;
    }

    private static BitSet afterGap(BitSet ends, Gap gap, int to) {
        BitSet next = new BitSet();
        int firstEnd = ends.nextSetBit(0);
        if (firstEnd < 0) {
            return next;
        }
        if (!gap.bounded()) {
            long lo = firstEnd + gap.min();
            if (lo <= to) {
                next.set((int) lo, to + 1);
            }
            return next;
        }
        // Position q is reachable when some end e has q - max <= e <= q - min.
        for (long q = firstEnd + gap.min(); q <= to; q++) {
            int e = ends.previousSetBit((int) (q - gap.min()));
            if (e >= 0 && e >= q - gap.max()) {
                next.set((int) q);
            }
        }
        return next;
    }

    private static BitSet advance(List<PatternNode> nodes, BitSet positions, byte[] data, int from, int to) {
        BitSet current = positions;
        for (PatternNode node : nodes) {
            current = step(node, current, data, from, to);
            if (current.isEmpty()) {
                break;
            }
        }
        return current;
    }

    private static BitSet step(PatternNode node, BitSet positions, byte[] data, int from, int to) {
        BitSet next = new BitSet();
        if (node instanceof Alternation alt && !alt.negated()) {
            for (List<PatternNode> option : alt.alternatives()) {
                next.or(advance(option, positions, data, from, to));
            }
            return next;
        }
        for (int pos = positions.nextSetBit(0); pos >= 0; pos = positions.nextSetBit(pos + 1)) {
            switch (node) {
                case ByteSet set -> {
                    if (pos < to && set.contains(data[pos])) {
                        next.set(pos + 1);
                    }
                }
                case AnyBytes any -> {
                    long hi = Math.min(to, (long) pos + any.max());
                    if (pos + any.min() <= hi) {
                        next.set(pos + any.min(), (int) hi + 1);
                    }
                }
                case LookAround look -> {
                    if (holds(look, data, from, to, pos)) {
                        next.set(pos);
                    }
                }
                case Alternation alt -> {
                    // Only negated alternations get here: they consume their fixed length when no option fits.
                    int length = alt.minLength();
                    if (pos + length <= to && !anyAlternativeSpans(alt, data, from, to, pos, pos + length)) {
                        next.set(pos + length);
                    }
                }
            }
        }
        return next;
    }

    private static boolean anyAlternativeSpans(Alternation alt, byte[] data, int from, int to, int start, int end) {
        BitSet single = new BitSet();
        single.set(start);
        for (List<PatternNode> option : alt.alternatives()) {
            if (advance(option, single, data, from, to).get(end)) {
                return true;
            }
        }
        return false;
    }

    private static boolean holds(LookAround look, byte[] data, int from, int to, int pos) {
        if (!look.adjacent()) {
            // the nearest byte checked is pos - 1 - minDistance behind, pos + minDistance ahead
            for (long d = look.minDistance(); d <= look.maxDistance(); d++) {
                long at = look.behind() ? pos - 1 - d : pos + d;
                if (at >= from && at < to && look.set().contains(data[(int) at])) {
                    return true;
                }
            }
            return false;
        }
        if (look.behind()) {
            return pos == from ? look.edgeOk() : look.set().contains(data[pos - 1]);
        }
        if (pos == to) {
            return look.edgeOk();
        }
        if (look.set().contains(data[pos])) {
            return true;
        }
        return look.crlfOk() && data[pos] == '\r' && pos + 1 < to && data[pos + 1] == '\n';
    }
}
