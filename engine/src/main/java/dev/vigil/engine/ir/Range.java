package dev.vigil.engine.ir;

/** An inclusive range of non-negative integers, as in ClamAV's {@code X-Y} target description fields. */
public record Range(long min, long max) {
    public boolean contains(long v) {
        return v >= min && v <= max;
    }
}
