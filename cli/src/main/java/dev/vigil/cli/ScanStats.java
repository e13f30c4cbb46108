package dev.vigil.cli;

/** The counters of clamscan's summary, and the exit status they imply. Updated by one thread only. */
final class ScanStats {
    /** clamscan counts data in blocks of this many bytes (libclamav CL_COUNT_PRECISION). */
    static final int BLOCK = 4096;

    long knownSignatures;
    long directories;
    long files;
    long infectedFiles;
    long errors;
    long scannedBlocks;
    long readBlocks;
    /** An error that clamscan reports through its exit status only, without counting it in "Total errors". */
    boolean silentError;

    void record(Event e) {
        switch (e) {
            case Event.Notice n -> {
                if (n.error()) {
                    errors++;
                }
            }
            case Event.Unreachable u -> silentError = true;
            case Event.Unsupported u -> silentError = true;
            case Event.FileOutcome f -> {
                if (f.kind().scanned()) {
                    files++;
                }
                if (f.kind() == Event.FileOutcome.Kind.INFECTED) {
                    infectedFiles++;
                }
                if (f.kind().error()) {
                    errors++;
                }
                readBlocks += f.readBlocks();
                scannedBlocks += f.scannedBlocks();
            }
        }
    }

    /** 1 if anything was found (it wins), else 2 if anything failed, else 0 -- as clamscan. */
    int exitCode() {
        if (infectedFiles > 0) {
            return 1;
        }
        return errors > 0 || silentError ? 2 : 0;
    }
}
