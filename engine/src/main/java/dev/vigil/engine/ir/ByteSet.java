package dev.vigil.engine.ir;

/**
 * The set of byte values accepted at one position, as a 256-bit mask in four longs.
 * A literal byte is a one-element set; {@code ??} is the full set; nibble wildcards and
 * single-byte alternations are the sets they describe.
 */
public record ByteSet(long w0, long w1, long w2, long w3) implements PatternNode {

    public static final ByteSet ANY = new ByteSet(-1L, -1L, -1L, -1L);
    public static final ByteSet NONE = new ByteSet(0, 0, 0, 0);

    /** Canonical one-byte sets: patterns hold millions of positions, and most are single bytes. */
    private static final ByteSet[] SINGLE = new ByteSet[256];

    static {
        for (int v = 0; v < 256; v++) {
            SINGLE[v] = NONE.with(v);
        }
    }

    public static ByteSet of(int value) {
        return SINGLE[value & 0xff];
    }

    public static ByteSet ofAll(int... values) {
        ByteSet s = NONE;
        for (int v : values) {
            s = s.with(v);
        }
        return s;
    }

    /** Bytes whose high nibble is {@code high} (pattern {@code h?}). */
    public static ByteSet highNibble(int high) {
        ByteSet s = NONE;
        for (int low = 0; low < 16; low++) {
            s = s.with((high << 4) | low);
        }
        return s;
    }

    /** Bytes whose low nibble is {@code low} (pattern {@code ?l}). */
    public static ByteSet lowNibble(int low) {
        ByteSet s = NONE;
        for (int high = 0; high < 16; high++) {
            s = s.with((high << 4) | low);
        }
        return s;
    }

    /** The byte and, for ASCII letters, its other case. */
    public static ByteSet caseless(int value) {
        int v = value & 0xff;
        ByteSet s = of(v);
        if (v >= 'a' && v <= 'z') {
            s = s.with(v - 32);
        } else if (v >= 'A' && v <= 'Z') {
            s = s.with(v + 32);
        }
        return s;
    }

    public boolean contains(int value) {
        int v = value & 0xff;
        long w = switch (v >>> 6) {
            case 0 -> w0;
            case 1 -> w1;
            case 2 -> w2;
            default -> w3;
        };
        return (w & (1L << (v & 63))) != 0;
    }

    public ByteSet with(int value) {
        int v = value & 0xff;
        long bit = 1L << (v & 63);
        return switch (v >>> 6) {
            case 0 -> new ByteSet(w0 | bit, w1, w2, w3);
            case 1 -> new ByteSet(w0, w1 | bit, w2, w3);
            case 2 -> new ByteSet(w0, w1, w2 | bit, w3);
            default -> new ByteSet(w0, w1, w2, w3 | bit);
        };
    }

    public ByteSet union(ByteSet o) {
        return new ByteSet(w0 | o.w0, w1 | o.w1, w2 | o.w2, w3 | o.w3);
    }

    public ByteSet complement() {
        return new ByteSet(~w0, ~w1, ~w2, ~w3);
    }

    public int size() {
        return Long.bitCount(w0) + Long.bitCount(w1) + Long.bitCount(w2) + Long.bitCount(w3);
    }

    public boolean isSingleton() {
        return size() == 1;
    }

    public boolean isAny() {
        return (w0 & w1 & w2 & w3) == -1L;
    }

    /** The only member of a singleton set, or -1. */
    public int singleValue() {
        if (!isSingleton()) {
            return -1;
        }
        if (w0 != 0) {
            return Long.numberOfTrailingZeros(w0);
        }
        if (w1 != 0) {
            return 64 + Long.numberOfTrailingZeros(w1);
        }
        if (w2 != 0) {
            return 128 + Long.numberOfTrailingZeros(w2);
        }
        return 192 + Long.numberOfTrailingZeros(w3);
    }

    /** Members in ascending order. */
    public int[] values() {
        int[] out = new int[size()];
        int n = 0;
        long[] words = {w0, w1, w2, w3};
        for (int i = 0; i < 4; i++) {
            for (long w = words[i]; w != 0; w &= w - 1) {
                out[n++] = i * 64 + Long.numberOfTrailingZeros(w);
            }
        }
        return out;
    }

    @Override
    public int minLength() {
        return 1;
    }

    @Override
    public int maxLength() {
        return 1;
    }

    @Override
    public String toString() {
        if (isAny()) {
            return "??";
        }
        if (isSingleton()) {
            return String.format("%02x", singleValue());
        }
        StringBuilder sb = new StringBuilder("[");
        for (int v : values()) {
            sb.append(String.format("%02x", v));
        }
        return sb.append(']').toString();
    }
}
