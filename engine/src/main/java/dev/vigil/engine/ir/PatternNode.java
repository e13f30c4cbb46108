package dev.vigil.engine.ir;

/**
 * One element of a {@link Part}: it consumes bytes ({@link ByteSet}, {@link AnyBytes}, {@link Alternation})
 * or checks the bytes around the current position without consuming them ({@link LookAround}).
 * Readers of every signature language lower their syntax to these four shapes.
 */
public sealed interface PatternNode permits ByteSet, AnyBytes, Alternation, LookAround {

    /** Smallest number of bytes this node consumes. */
    int minLength();

    /** Largest number of bytes this node consumes. */
    int maxLength();
}
