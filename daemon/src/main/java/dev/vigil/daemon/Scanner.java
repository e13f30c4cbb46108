package dev.vigil.daemon;

import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.concurrent.Semaphore;

/**
 * The one place where vigild scans: every protocol (clamd socket, HTTP) goes through {@link #scan}. At most
 * {@code MaxThreads} scans run at once; further callers wait for a slot, as clamd's queued jobs wait for a thread.
 */
public final class Scanner {
    private final ScanOptions options;
    private final Semaphore slots;
    private final int maxThreads;

    public Scanner(ScanOptions options, int maxThreads) {
        this.options = options;
        this.maxThreads = maxThreads;
        this.slots = new Semaphore(maxThreads, true);
    }

    /** The options every scan uses unless it asks for all matches. */
    public ScanOptions options() {
        return options;
    }

    public int maxThreads() {
        return maxThreads;
    }

    /** Scans running now. */
    public int active() {
        return maxThreads - slots.availablePermits();
    }

    /** Scans waiting for a slot now. */
    public int queued() {
        return slots.getQueueLength();
    }

    /**
     * Scans {@code input} with the database {@code db} (a snapshot: a reload meanwhile does not affect this scan).
     * The caller keeps ownership of {@code input}.
     */
    public ScanResult scan(Database db, ScanInput input, boolean allMatch) throws IOException, InterruptedException {
        slots.acquire();
        try {
            return db.engine().scan(input, allMatch ? options.withAllMatch(true) : options);
        } finally {
            slots.release();
        }
    }
}
