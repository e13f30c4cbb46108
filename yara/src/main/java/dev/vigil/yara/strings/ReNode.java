package dev.vigil.yara.strings;

import java.util.ArrayList;
import java.util.List;

/**
 * Node of the pattern tree shared by hex strings, regular expressions and base64 strings. A consuming node carries the
 * set of bytes it accepts as a 256-bit mask; the atom extractor also needs the original value/mask of hex bytes.
 */
final class ReNode {

    /** Deepest nesting of groups accepted; keeps recursion over the tree bounded. */
    static final int MAX_DEPTH = 1000;

    /** RE_MAX_SPLIT_ID: YARA refuses a pattern whose code needs more forks than this. */
    static final int MAX_SPLITS = 128;

    enum Type { BYTES, ASSERT_START, ASSERT_END, WORD_BOUNDARY, NON_WORD_BOUNDARY, CONCAT, ALT, REPEAT, EMPTY }

    /** What a BYTES node was written as; YARA's atom heuristic treats them differently. */
    enum ByteKind { LITERAL, MASKED, ANY, OTHER }

    final Type type;
    /** Empty and immutable for leaves (a hex string has one BYTES node per byte: no list each). */
    final List<ReNode> children;
    long[] set;               // BYTES: accepted bytes
    ByteKind byteKind = ByteKind.OTHER;
    int value;                // BYTES LITERAL/MASKED/ANY: value and mask as YARA's atom code sees them
    int mask;
    int min;                  // REPEAT
    int max;                  // REPEAT, Integer.MAX_VALUE when unbounded
    boolean greedy = true;    // REPEAT
    boolean dotAny;           // BYTES built from '.' or a hex jump: counts as "dot" for YARA's .* warning
    boolean rangeAny;         // REPEAT that YARA builds as RANGE_ANY: a hex jump or '.{n,m}' (may chain, no forks)

    ReNode(Type type) {
        this.type = type;
        this.children = type == Type.CONCAT || type == Type.ALT || type == Type.REPEAT ? new ArrayList<>(2) : List.of();
    }

    static ReNode bytes(long[] set, ByteKind kind, int value, int mask) {
        ReNode n = new ReNode(Type.BYTES);
        n.set = set;
        n.byteKind = kind;
        n.value = value;
        n.mask = mask;
        return n;
    }

    static ReNode literal(int b) {
        long[] s = new long[4];
        s[b >>> 6] |= 1L << (b & 63);
        return bytes(s, ByteKind.LITERAL, b, 0xFF);
    }

    static ReNode concat(List<ReNode> parts) {
        return new ReNode(Type.CONCAT, new ArrayList<>(parts));
    }

    private ReNode(Type type, List<ReNode> children) {
        this.type = type;
        this.children = children;
    }

    static ReNode alt(ReNode a, ReNode b) {
        ReNode n = new ReNode(Type.ALT);
        n.children.add(a);
        n.children.add(b);
        return n;
    }

    static ReNode repeat(ReNode child, int min, int max, boolean greedy) {
        ReNode n = new ReNode(Type.REPEAT);
        n.children.add(child);
        n.min = min;
        n.max = max;
        n.greedy = greedy;
        return n;
    }

    /** Forks YARA's code emitter would use for this tree (alternations, loops, optional repeats). */
    static long splits(ReNode n) {
        return switch (n.type) {
            case ALT -> 1 + splits(n.children.get(0)) + splits(n.children.get(1));
            case CONCAT -> {
                long s = 0;
                for (ReNode c : n.children) {
                    s += splits(c);
                }
                yield s;
            }
            case REPEAT -> {
                if (n.rangeAny) {
                    yield 0; // a run of "any byte" has its own instruction without forks
                }
                long child = splits(n.children.get(0));
                if (n.max == Integer.MAX_VALUE && n.min <= 1) {
                    yield 1 + child; // star / plus
                }
                int max = n.max == Integer.MAX_VALUE ? n.min + 1 : n.max;
                long s = 0;
                if (n.min > 0) {
                    s += child;
                }
                if (max > 2 || max > n.min + 1) {
                    s += child;
                }
                if (max > n.min) {
                    s += 1;
                }
                if (max > n.min || max > 1) {
                    s += child;
                }
                yield Math.min(s, Integer.MAX_VALUE);
            }
            default -> 0;
        };
    }

    static boolean has(long[] set, int b) {
        return (set[b >>> 6] & (1L << (b & 63))) != 0;
    }

    static void add(long[] set, int b) {
        set[b >>> 6] |= 1L << (b & 63);
    }
}
