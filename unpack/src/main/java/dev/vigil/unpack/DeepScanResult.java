package dev.vigil.unpack;

import dev.vigil.engine.filetype.FileType;

import java.util.List;

/**
 * The outcome of one recursive scan.
 *
 * @param detections     what was found, in scan order (depth first); in first-match mode at most one signature
 *                       detection, or the first heuristic alert when there is no signature detection
 * @param fileType       the type of the top-level object
 * @param objectsScanned objects scanned, the top-level one included
 * @param bytesScanned   bytes of extracted objects handed to the engine (the top-level object excluded)
 * @param dataScanned    bytes the engine's matcher went through over all objects (clamscan's "Data scanned")
 * @param limits         every limit that skipped content, in the order hit
 * @param encrypted      paths of the entries that could not be read because they are encrypted
 * @param errors         containers whose structure could not be fully read (their raw bytes were still scanned)
 */
public record DeepScanResult(List<DeepDetection> detections, FileType fileType, int objectsScanned,
                             long bytesScanned, long dataScanned, List<LimitHit> limits, List<List<String>> encrypted,
                             List<UnpackError> errors) {

    public DeepScanResult {
        detections = List.copyOf(detections);
        limits = List.copyOf(limits);
        encrypted = encrypted.stream().map(List::copyOf).toList();
        errors = List.copyOf(errors);
    }

    public boolean infected() {
        return !detections.isEmpty();
    }

    /** The name of the first limit hit ({@code MaxFiles}, ...) or null. */
    public String limitExceeded() {
        return limits.isEmpty() ? null : limits.getFirst().limit();
    }

    /**
     * A limit that skipped content.
     *
     * @param limit  clamd's name: MaxScanSize, MaxFileSize, MaxRecursion, MaxFiles, MaxScanTime
     * @param path   the object being extracted (or scanned) when it was hit
     * @param detail a human-readable explanation
     */
    public record LimitHit(String limit, List<String> path, String detail) {
        public LimitHit {
            path = List.copyOf(path);
        }
    }

    /**
     * A container that could not be fully unpacked.
     *
     * @param path     the container
     * @param unpacker the unpacker's name
     * @param message  why
     */
    public record UnpackError(List<String> path, String unpacker, String message) {
        public UnpackError {
            path = List.copyOf(path);
        }
    }
}
