package dev.vigil.daemon.http;

import dev.vigil.engine.Detection;

import java.util.List;

/**
 * The result of scanning one file.
 *
 * @param detections    what was found (empty for a clean file)
 * @param size          bytes in the file
 * @param limitExceeded the name of the scan limit that stopped the scan early ({@code MaxFileSize}, ...), or null
 */
public record ScanOutcome(List<Detection> detections, long size, String limitExceeded) {
    public ScanOutcome {
        detections = List.copyOf(detections);
    }
}
