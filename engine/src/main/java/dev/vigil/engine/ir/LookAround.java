package dev.vigil.engine.ir;

/**
 * A zero-width check on the byte just before ({@code behind}) or just after the current position.
 * It holds when that byte is in {@code set}, or when there is no such byte and {@code edgeOk}
 * (start or end of the data). With {@code crlfOk} a look-ahead also accepts the pair {@code \r\n}
 * (ClamAV's {@code (L)} line marker at the end of a pattern).
 */
public record LookAround(boolean behind, ByteSet set, boolean edgeOk, boolean crlfOk) implements PatternNode {

    @Override
    public int minLength() {
        return 0;
    }

    @Override
    public int maxLength() {
        return 0;
    }
}
