package dev.vigil.engine;

/**
 * How to scan: report every matching signature ({@code allMatch}, clamscan's {@code --allmatch}) or stop at the
 * first, and within which limits.
 */
public record ScanOptions(boolean allMatch, ScanLimits limits) {

    public static final ScanOptions DEFAULT = new ScanOptions(false, ScanLimits.DEFAULT);

    public ScanOptions withAllMatch(boolean v) {
        return new ScanOptions(v, limits);
    }

    public ScanOptions withLimits(ScanLimits v) {
        return new ScanOptions(allMatch, v);
    }
}
