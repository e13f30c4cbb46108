package dev.vigil.engine.ir;

/**
 * Between {@code min} and {@code max} arbitrary bytes inside one part (ClamAV {@code [x-y]}, small
 * {@code {n-m}} inside alternatives). Large or unbounded gaps split a pattern into parts instead: see {@link Gap}.
 */
public record AnyBytes(int min, int max) implements PatternNode {
    public AnyBytes {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("bad byte range " + min + "-" + max);
        }
    }

    @Override
    public int minLength() {
        return min;
    }

    @Override
    public int maxLength() {
        return max;
    }
}
