package dev.vigil.cli;

import dev.vigil.engine.Detection;

import java.util.List;

/** Something the scan reports, in the order clamscan would report it. */
sealed interface Event {

    /** The path as it is printed (built from the argument as given, like clamscan does). */
    String path();

    /** A one-word verdict on a path that was not scanned: "Symbolic link", "Can't open directory.", ... */
    record Notice(String path, String text, boolean error) implements Event {
        static Notice symbolicLink(String path) {
            return new Notice(path, "Symbolic link", false);
        }

        static Notice excluded(String path) {
            return new Notice(path, "Excluded", false);
        }

        static Notice cannotOpenDirectory(String path) {
            return new Notice(path, "Can't open directory.", true);
        }
    }

    /** A command-line argument that cannot be stat'ed (clamscan: perror, then a warning; exit 2). */
    record Unreachable(String path, String reason) implements Event {
    }

    /** A command-line argument that is neither file nor directory (fifo, device, socket; exit 2). */
    record Unsupported(String path) implements Event {
    }

    /** The result of scanning one file (or stdin). */
    /**
     * @param innerPaths for each detection, where inside the file it was found: the names below the file joined
     *                   with {@code /} ({@code "inner/a.tar/x.exe"}), empty for the file itself
     */
    record FileOutcome(String path, Kind kind, List<Detection> detections, long size, String fileType,
                       String limit, String error, long readBlocks, long scannedBlocks, List<String> innerPaths)
            implements Event {

        enum Kind {
            CLEAN, INFECTED, EMPTY, ACCESS_DENIED, OPEN_FAILED, SCAN_ERROR, EXCLUDED_PROC;

            /** Counted in "Scanned files". */
            boolean scanned() {
                return this == CLEAN || this == INFECTED;
            }

            /** Counted in "Total errors". */
            boolean error() {
                return this == ACCESS_DENIED || this == OPEN_FAILED || this == SCAN_ERROR;
            }
        }

        public FileOutcome {
            detections = List.copyOf(detections);
            innerPaths = innerPaths == null ? List.of() : List.copyOf(innerPaths);
        }

        FileOutcome(String path, Kind kind, List<Detection> detections, long size, String fileType, String limit,
                    String error, long readBlocks, long scannedBlocks) {
            this(path, kind, detections, size, fileType, limit, error, readBlocks, scannedBlocks, List.of());
        }

        /** Where detection {@code i} was found inside the file ("" for the file itself). */
        String innerPath(int i) {
            return i < innerPaths.size() ? innerPaths.get(i) : "";
        }

        static FileOutcome failed(String path, Kind kind, String error, long size, long readBlocks) {
            return new FileOutcome(path, kind, List.of(), size, null, null, error, readBlocks, 0);
        }

        static FileOutcome skipped(String path, Kind kind, long size) {
            return new FileOutcome(path, kind, List.of(), size, null, null, null, 0, 0);
        }
    }
}
