package dev.vigil.engine;

import java.util.List;

/**
 * How to scan: report every matching signature ({@code allMatch}, clamscan's {@code --allmatch}) or stop at the
 * first, and within which limits.
 *
 * @param containers the ClamAV types ({@code CL_TYPE_ZIP}, ...) of the containers the scanned object was extracted
 *                   from, outermost first; empty for a top-level object. Logical signatures' {@code Container:} and
 *                   {@code Intermediates:} conditions test it, as ClamAV tests its recursion stack.
 */
public record ScanOptions(boolean allMatch, ScanLimits limits, List<String> containers) {

    public static final ScanOptions DEFAULT = new ScanOptions(false, ScanLimits.DEFAULT);

    public ScanOptions {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    public ScanOptions(boolean allMatch, ScanLimits limits) {
        this(allMatch, limits, List.of());
    }

    public ScanOptions withAllMatch(boolean v) {
        return new ScanOptions(v, limits, containers);
    }

    public ScanOptions withLimits(ScanLimits v) {
        return new ScanOptions(allMatch, v, containers);
    }

    /** The same options for an object found inside containers of these types (outermost first). */
    public ScanOptions withContainers(List<String> v) {
        return new ScanOptions(allMatch, limits, v);
    }
}
