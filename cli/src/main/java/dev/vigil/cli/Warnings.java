package dev.vigil.cli;

import java.io.PrintStream;

/** The messages clamscan writes to stderr, shared by every output format. */
final class Warnings {
    private Warnings() {
    }

    static void unreachable(PrintStream err, Event.Unreachable u) {
        err.print(u.path() + ": " + u.reason() + "\n");
        err.print("WARNING: " + u.path() + ": Can't access file\n");
    }

    static void unsupported(PrintStream err, Event.Unsupported u) {
        err.print("WARNING: " + u.path() + ": Not supported file type\n");
    }

    static void openFailed(PrintStream err, Event.FileOutcome f) {
        err.print("WARNING: Can't open file " + f.path() + ": " + f.error() + "\n");
    }
}
