package dev.vigil.daemon;

import dev.vigil.engine.Detection;
import dev.vigil.unpack.DeepDetection;
import dev.vigil.unpack.DeepScanOptions;
import dev.vigil.unpack.DeepScanResult;
import dev.vigil.unpack.RecursiveScanner;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpackers;
import java.util.List;

import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.io.CountingInputStream;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one place where vigild scans: every protocol (clamd socket, HTTP) goes through {@link #scan}. At most
 * {@code MaxThreads} scans run at once; further callers wait for a slot, as clamd's queued jobs wait for a thread.
 */
public final class Scanner {
    private final ScanOptions options;
    private final Semaphore slots;
    private final int maxThreads;
    /** Slot entries and exits so far: unchanged between two looks means no scan started or ended in between. */
    private final AtomicLong slotEvents = new AtomicLong();

    /** Limits for looking inside containers, or null to scan only the outer bytes. */
    private final UnpackLimits unpackLimits;

    public Scanner(ScanOptions options, int maxThreads) {
        this(options, maxThreads, null);
    }

    /** A scanner that also scans what containers hold (as clamd does by default), within {@code unpackLimits}. */
    public Scanner(ScanOptions options, int maxThreads, UnpackLimits unpackLimits) {
        this.options = options;
        this.maxThreads = maxThreads;
        this.slots = new Semaphore(maxThreads, true);
        this.unpackLimits = unpackLimits;
    }

    /** The options every scan uses unless it asks for all matches. */
    public ScanOptions options() {
        return options;
    }

    /** The limits for looking inside containers, or null when this scanner reads only the outer bytes. */
    public UnpackLimits unpackLimits() {
        return unpackLimits;
    }

    public int maxThreads() {
        return maxThreads;
    }

    /** Scans running now. */
    public int active() {
        return maxThreads - slots.availablePermits();
    }

    /** A number that changes whenever a scan starts or ends (see {@link HeapTrimmer}). */
    public long activity() {
        return slotEvents.get();
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
        return inSlot(() -> scanNow(db, input, allMatch));
    }

    /** Work that runs while holding a scan slot. */
    @FunctionalInterface
    public interface SlotWork<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code work} in one of the {@code MaxThreads} slots, waiting for one first, so that scans of every front
     * end (clamd sockets and the HTTP API) share the one limit.
     */
    public <T> T inSlot(SlotWork<T> work) throws IOException, InterruptedException {
        slots.acquire();
        slotEvents.incrementAndGet();
        try {
            return work.run();
        } finally {
            slots.release();
            slotEvents.incrementAndGet();
        }
    }

    /**
     * Scans a stream (an HTTP upload) as {@link #scan(Database, ScanInput, boolean)} scans an input, with MaxFileSize
     * narrowed to {@code maxBytes} when that is smaller (0: no narrowing); the result's size is the bytes read.
     */
    public ScanResult scan(Database db, InputStream body, long maxBytes, boolean allMatch)
            throws IOException, InterruptedException {
        return inSlot(() -> scanNow(db, body, maxBytes, allMatch));
    }

    private ScanResult scanNow(Database db, ScanInput input, boolean allMatch) throws IOException {
        if (unpackLimits == null) {
            return db.engine().scan(input, withAllMatch(allMatch));
        }
        DeepScanResult deep = new RecursiveScanner(db.engine(), Unpackers.defaults(), unpackLimits)
                .scan(input, "stream", deepOptions(allMatch));
        return result(deep, input.size());
    }

    private ScanResult scanNow(Database db, InputStream body, long maxBytes, boolean allMatch) throws IOException {
        ScanLimits limits = options.limits();
        if (maxBytes > 0 && (limits.maxFileSize() <= 0 || maxBytes < limits.maxFileSize())) {
            limits = limits.withMaxFileSize(maxBytes);
        }
        if (unpackLimits == null) {
            return db.engine().scan(body, withAllMatch(allMatch).withLimits(limits));
        }
        CountingInputStream counted = new CountingInputStream(body);
        DeepScanResult deep = new RecursiveScanner(db.engine(), Unpackers.defaults(),
                unpackLimits.withMaxFileSize(limits.maxFileSize())).scan(counted, "stream", deepOptions(allMatch));
        return result(deep, counted.count());
    }

    private ScanOptions withAllMatch(boolean allMatch) {
        return allMatch ? options.withAllMatch(true) : options;
    }

    private DeepScanOptions deepOptions(boolean allMatch) {
        return new DeepScanOptions(allMatch || options.allMatch(), true, false, false);
    }

    private static ScanResult result(DeepScanResult deep, long size) {
        List<Detection> detections = deep.detections().stream().map(DeepDetection::detection).toList();
        return new ScanResult(detections, deep.fileType(), size, deep.bytesScanned(), deep.limitExceeded());
    }
}
