package dev.vigil.engine;

import java.time.Duration;

/**
 * Limits that bound one scan, named after clamd's options. A value of 0 means no limit.
 *
 * @param maxFileSize bytes of one file beyond which it is not scanned (clamd MaxFileSize, default 100 MiB)
 * @param maxScanSize bytes of data scanned for one input beyond which scanning stops (clamd MaxScanSize, 400 MiB)
 * @param maxScanTime wall time after which the scan stops (clamd MaxScanTime, 120 s)
 * @param maxMatchesPerPattern match offsets recorded per pattern for counting and offsets (bounds memory)
 */
public record ScanLimits(long maxFileSize, long maxScanSize, Duration maxScanTime, int maxMatchesPerPattern) {

    public static final ScanLimits DEFAULT =
            new ScanLimits(100L << 20, 400L << 20, Duration.ofMillis(120_000), 1_000_000);

    public static final ScanLimits NONE = new ScanLimits(0, 0, Duration.ZERO, 1_000_000);

    public ScanLimits withMaxFileSize(long v) {
        return new ScanLimits(v, maxScanSize, maxScanTime, maxMatchesPerPattern);
    }

    public ScanLimits withMaxScanSize(long v) {
        return new ScanLimits(maxFileSize, v, maxScanTime, maxMatchesPerPattern);
    }

    public ScanLimits withMaxScanTime(Duration v) {
        return new ScanLimits(maxFileSize, maxScanSize, v, maxMatchesPerPattern);
    }
}
