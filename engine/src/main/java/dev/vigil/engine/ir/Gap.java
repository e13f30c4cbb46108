package dev.vigil.engine.ir;

/**
 * The distance allowed between the end of one part and the start of the next:
 * {@code min..max} bytes, or {@code min..infinity} when {@code max} is {@link #UNBOUNDED} (ClamAV {@code *}, {@code {n-}}).
 */
public record Gap(long min, long max) {
    public static final long UNBOUNDED = -1;
    public static final Gap ANY = new Gap(0, UNBOUNDED);

    public Gap {
        if (min < 0 || (max != UNBOUNDED && max < min)) {
            throw new IllegalArgumentException("bad gap " + min + "-" + max);
        }
    }

    public boolean bounded() {
        return max != UNBOUNDED;
    }
}
