package dev.vigil.cli;

import dev.vigil.engine.Detection;

import java.io.PrintStream;

/** clamscan's line format: {@code PATH: OK}, {@code PATH: NAME FOUND}, {@code PATH: Empty file}, ... */
final class TextReporter implements Reporter {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean infectedOnly;
    private final boolean suppressOk;

    TextReporter(PrintStream out, PrintStream err, boolean infectedOnly, boolean suppressOk) {
        this.out = out;
        this.err = err;
        this.infectedOnly = infectedOnly;
        this.suppressOk = suppressOk;
    }

    @Override
    public void report(Event event) {
        switch (event) {
            case Event.Notice n -> info(n.path() + ": " + n.text());
            case Event.Unreachable u -> Warnings.unreachable(err, u);
            case Event.Unsupported u -> Warnings.unsupported(err, u);
            case Event.FileOutcome f -> file(f);
        }
    }

    private void file(Event.FileOutcome f) {
        switch (f.kind()) {
            case CLEAN -> {
                if (!suppressOk) {
                    info(f.path() + ": OK");
                }
            }
            case INFECTED -> {
                for (Detection d : f.detections()) {
                    out.print(f.path() + ": " + d.name() + " FOUND\n");
                }
            }
            case EMPTY -> info(f.path() + ": Empty file");
            case ACCESS_DENIED -> info(f.path() + ": Access denied");
            case OPEN_FAILED -> Warnings.openFailed(err, f);
            case SCAN_ERROR -> info(f.path() + ": " + f.error() + " ERROR");
            case EXCLUDED_PROC -> info(f.path() + ": Excluded (/proc)");
        }
    }

    /** Lines that clamscan's -i (--infected) suppresses. */
    private void info(String line) {
        if (!infectedOnly) {
            out.print(line + "\n");
        }
    }

    @Override
    public void flush() {
        out.flush();
        err.flush();
    }
}
