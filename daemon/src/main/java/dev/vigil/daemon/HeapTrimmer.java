package dev.vigil.daemon;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Gives the memory of a load burst back once it is over. With the serial collector the old generation only grows
 * between full collections: requests in flight at a young collection are promoted and die there, and the heap then
 * keeps that size (and its resident pages) until the next full collection, which without a database reload may never
 * come. This asks for one when the committed heap has grown well past its size after the last full collection and no
 * scan has started or ended for a while, so the pause meets no request; past twice that size it does not wait for a
 * quiet moment. The launcher's free ratios make the collection hand the space back (docs/daemon.md, "Memory").
 * {@link #tick(long)} is called periodically from one thread.
 */
final class HeapTrimmer {
    /** How long without any scan starting or ending counts as idle. */
    static final long IDLE_NANOS = 5_000_000_000L;
    /** Growth that is not worth a collection: below 16 MiB or an eighth of the heap. */
    static final long MIN_GROWTH = 16L << 20;

    private final LongSupplier activity;
    private final IntSupplier busy;
    private final LongSupplier committedHeap;
    private final Runnable trim;

    private long lastActivity;
    private long quietSince;
    private long baseline;
    private boolean started;

    /**
     * @param activity      changes whenever a scan starts or ends ({@link Scanner#activity()})
     * @param busy          scans running now
     * @param committedHeap bytes of heap the JVM holds now
     * @param trim          drops cached buffers and runs a full collection
     */
    HeapTrimmer(LongSupplier activity, IntSupplier busy, LongSupplier committedHeap, Runnable trim) {
        this.activity = activity;
        this.busy = busy;
        this.committedHeap = committedHeap;
        this.trim = trim;
    }

    /** A trimmer for this JVM: the committed heap from {@link Runtime#totalMemory()}, the collection by System.gc. */
    static HeapTrimmer forScanner(Scanner scanner, BufferPool... pools) {
        return new HeapTrimmer(scanner::activity, scanner::active, () -> Runtime.getRuntime().totalMemory(), () -> {
            for (BufferPool p : pools) {
                p.clear();
            }
            System.gc();
        });
    }

    /** Looks at the heap and activity now ({@code now}: {@link System#nanoTime()}); true if it trimmed. */
    boolean tick(long now) {
        long a = activity.getAsLong();
        long committed = committedHeap.getAsLong();
        if (!started || committed < baseline) {
            // first look, or a collection elsewhere (after a database load) shrank the heap
            started = true;
            baseline = committed;
            lastActivity = a;
            quietSince = now;
            return false;
        }
        if (a != lastActivity || busy.getAsInt() > 0) {
            lastActivity = a;
            quietSince = now;
        }
        long growth = committed - baseline;
        boolean quiet = now - quietSince >= IDLE_NANOS;
        if (!(quiet && growth >= Math.max(MIN_GROWTH, baseline / 8)) && growth < Math.max(MIN_GROWTH, baseline)) {
            return false;
        }
        trim.run();
        baseline = committedHeap.getAsLong();
        lastActivity = activity.getAsLong();
        quietSince = now;
        return true;
    }
}
