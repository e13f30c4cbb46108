package dev.vigil.engine;

import dev.vigil.engine.filetype.FileType;

import java.util.List;

/**
 * The outcome of scanning one input.
 *
 * @param detections    every detection (the first only, unless all-match was asked)
 * @param fileType      the type the engine determined
 * @param size          size of the input in bytes
 * @param bytesScanned  bytes the matcher went through
 * @param limitExceeded the name of the limit that stopped the scan early ({@code MaxFileSize}, {@code MaxScanSize},
 *                      {@code MaxScanTime}), or null if it ran to the end
 * @param reports       what languages with their own reporting found beyond detections (YARA string matches), one
 *                      per {@link dev.vigil.engine.ir.ExternalPatterns} source, in the order they were added
 */
public record ScanResult(List<Detection> detections, FileType fileType, long size, long bytesScanned,
                         String limitExceeded, List<Object> reports) {

    public ScanResult {
        detections = List.copyOf(detections);
        reports = List.copyOf(reports);
    }

    public ScanResult(List<Detection> detections, FileType fileType, long size, long bytesScanned,
                      String limitExceeded) {
        this(detections, fileType, size, bytesScanned, limitExceeded, List.of());
    }

    public boolean infected() {
        return !detections.isEmpty();
    }

    public boolean limitReached() {
        return limitExceeded != null;
    }
}
