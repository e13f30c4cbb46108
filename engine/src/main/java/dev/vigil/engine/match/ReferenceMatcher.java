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
            if (!ends(p, data, from, to, start).isEmpty()) {
                return start;
            }
        }
        return -1;
    }

    /** Every match as a {start, end} pair (end exclusive), by ascending start then end. */
    public static List<long[]> findAll(BodyPattern p, byte[] data, int from, int to) {
        checkWindow(data, from, to);
        List<long[]> out = new ArrayList<>();
        for (int start = from; start <= to; start++) {
            BitSet ends = ends(p, data, from, to, start);
            for (int e = ends.nextSetBit(0); e >= 0; e = ends.nextSetBit(e + 1)) {
                out.add(new long[] {start, e});
            }
        }
        return out;
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
        for (int e = ends.nextSetBit(0); e >= 0; e = ends.nextSetBit(e + 1)) {
            long lo = e + gap.min();
            long hi = gap.bounded() ? Math.min(to, e + gap.max()) : to;
            if (lo <= hi) {
                next.set((int) lo, (int) hi + 1);
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
                    if (alt.negated()) {
                        int length = alt.minLength();
                        if (pos + length <= to && !anyAlternativeSpans(alt, data, from, to, pos, pos + length)) {
                            next.set(pos + length);
                        }
                    } else {
                        BitSet single = new BitSet();
                        single.set(pos);
                        for (List<PatternNode> option : alt.alternatives()) {
                            next.or(advance(option, single, data, from, to));
                        }
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
