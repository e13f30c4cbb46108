package dev.vigil.engine.ir;

/**
 * A zero-width check on a byte near the current position {@code pos}, without consuming it.
 *
 * <p>With distance 0/0 (the common case) it checks the byte just before ({@code behind}: {@code data[pos - 1]}) or
 * just after ({@code data[pos]}) the position. It holds when that byte is in {@code set}, or when there is no such
 * byte and {@code edgeOk} (start or end of the data). With {@code crlfOk} a look-ahead also accepts the pair
 * {@code \r\n} (ClamAV's {@code (L)} line marker at the end of a pattern).
 *
 * <p>A wider distance models ClamAV's single-byte anchors {@code aa[x-y]...} and {@code ...[x-y]bb}, whose anchor
 * byte lies outside the match: it holds when for some {@code d} in {@code [minDistance, maxDistance]} the byte
 * {@code data[pos - 1 - d]} (behind) or {@code data[pos + d]} (ahead) exists and is in {@code set}. Bytes past the
 * edges of the data never satisfy it; {@code edgeOk} and {@code crlfOk} apply only to distance 0/0.
 *
 * @param minDistance bytes skipped between the position and the nearest byte checked (0 = adjacent)
 * @param maxDistance bytes skipped before the farthest byte checked, at least {@code minDistance}
 */
public record LookAround(boolean behind, ByteSet set, boolean edgeOk, boolean crlfOk, int minDistance,
                         int maxDistance) implements PatternNode {

    public LookAround {
        if (minDistance < 0 || maxDistance < minDistance) {
            throw new IllegalArgumentException("bad look-around distance " + minDistance + ".." + maxDistance);
        }
        if (maxDistance > 0 && (edgeOk || crlfOk)) {
            throw new IllegalArgumentException("edgeOk and crlfOk apply only to an adjacent look-around");
        }
    }

    /** An adjacent look-around (distance 0/0). */
    public LookAround(boolean behind, ByteSet set, boolean edgeOk, boolean crlfOk) {
        this(behind, set, edgeOk, crlfOk, 0, 0);
    }

    /** A look-around for a byte in {@code set} between {@code minDistance} and {@code maxDistance} bytes away. */
    public static LookAround at(boolean behind, ByteSet set, int minDistance, int maxDistance) {
        return new LookAround(behind, set, false, false, minDistance, maxDistance);
    }

    /** Whether it checks only the adjacent byte. */
    public boolean adjacent() {
        return maxDistance == 0;
    }

    @Override
    public int minLength() {
        return 0;
    }

    @Override
    public int maxLength() {
        return 0;
    }
}
