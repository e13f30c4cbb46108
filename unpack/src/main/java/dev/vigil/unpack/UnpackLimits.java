package dev.vigil.unpack;

import java.time.Duration;

/**
 * Limits on recursive scanning, with clamd's names, defaults and meanings. A value of 0 means no limit.
 *
 * @param maxScanSize     bytes scanned in total for one top-level input, extracted data included (MaxScanSize)
 * @param maxFileSize     bytes of one file or extracted object beyond which it is not scanned (MaxFileSize)
 * @param maxRecursion    container nesting depth (MaxRecursion)
 * @param maxFiles        objects extracted from one top-level input (MaxFiles)
 * @param maxEmbeddedPe   bytes of a PE embedded in another file that are examined (MaxEmbeddedPE)
 * @param maxScanTime     wall time for one top-level input (MaxScanTime)
 */
public record UnpackLimits(long maxScanSize, long maxFileSize, int maxRecursion, int maxFiles, long maxEmbeddedPe,
                           Duration maxScanTime) {

    /** clamd 1.4's defaults. */
    public static final UnpackLimits DEFAULT = new UnpackLimits(400L << 20, 100L << 20, 17, 10_000, 40L << 20,
            Duration.ofMillis(120_000));
}
