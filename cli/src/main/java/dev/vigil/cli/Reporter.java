package dev.vigil.cli;

/** Writes the per-file report of a scan; called on one thread, in scan order. */
interface Reporter {

    void report(Event event);

    /** Makes everything reported so far visible (called before the scan waits for a slow file, and at the end). */
    void flush();
}
