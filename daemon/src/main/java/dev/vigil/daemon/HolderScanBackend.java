package dev.vigil.daemon;

import dev.vigil.daemon.http.DatabaseInfo;
import dev.vigil.daemon.http.ReloadOutcome;
import dev.vigil.daemon.http.ScanBackend;
import dev.vigil.daemon.http.ScanOutcome;
import dev.vigil.engine.Detection;
import dev.vigil.engine.io.CountingInputStream;
import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;

import dev.vigil.unpack.DeepDetection;
import dev.vigil.unpack.DeepScanOptions;
import dev.vigil.unpack.DeepScanResult;
import dev.vigil.unpack.RecursiveScanner;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpackers;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP API's view of vigild: the same database holder as the clamd sockets (one reload serves both) and the same
 * scan limits.
 */
public final class HolderScanBackend implements ScanBackend {
    private final DatabaseHolder holder;
    /** The clamd sockets' scanner: its options, its container limits and its MaxThreads slots. */
    private final Scanner scanner;
    private final ScanOptions options;
    /** Limits for looking inside containers (as the clamd sockets do), or null for the outer bytes only. */
    private final UnpackLimits unpackLimits;

    public HolderScanBackend(DatabaseHolder holder, Scanner scanner) {
        this.holder = holder;
        this.scanner = scanner;
        this.options = scanner.options();
        this.unpackLimits = scanner.unpackLimits();
    }

    private static DatabaseInfo info(Database db) {
        String version = db.dailyVersion() > 0 ? "daily " + db.dailyVersion() : db.directory().toString();
        return new DatabaseInfo(version, db.signatureCount(), db.loadedAt());
    }

    @Override
    public Optional<DatabaseInfo> database() {
        Database db = holder.current();
        return db == null ? Optional.empty() : Optional.of(info(db));
    }

    /** Waits for one of the scanner's MaxThreads slots, shared with the clamd sockets, then scans. */
    @Override
    public ScanOutcome scan(InputStream body, long maxBytes, boolean allMatch) throws IOException {
        try {
            return scanner.inSlot(() -> scanNow(body, maxBytes, allMatch));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a scan slot");
        }
    }

    private ScanOutcome scanNow(InputStream body, long maxBytes, boolean allMatch) throws IOException {
        Database db = holder.current();
        if (db == null) {
            throw new NoDatabaseException();
        }
        ScanLimits limits = options.limits();
        if (maxBytes > 0 && (limits.maxFileSize() <= 0 || maxBytes < limits.maxFileSize())) {
            limits = limits.withMaxFileSize(maxBytes);
        }
        if (unpackLimits == null) {
            ScanResult r = db.engine().scan(body, options.withAllMatch(allMatch).withLimits(limits));
            return new ScanOutcome(r.detections(), r.size(), r.limitExceeded());
        }
        UnpackLimits u = unpackLimits.withMaxFileSize(limits.maxFileSize());
        CountingInputStream counted = new CountingInputStream(body);
        DeepScanResult deep = new RecursiveScanner(db.engine(), Unpackers.defaults(), u)
                .scan(counted, "stream", new DeepScanOptions(allMatch, true, false, false));
        List<Detection> detections = deep.detections().stream()
                .map(DeepDetection::detection).toList();
        return new ScanOutcome(detections, counted.count(), deep.limitExceeded());
    }

    @Override
    public ReloadOutcome reload() {
        DatabaseHolder.ReloadResult r = holder.reload();
        DatabaseInfo current = r.current() == null ? null : info(r.current());
        return r.loaded() ? new ReloadOutcome(true, "database reloaded", current)
                : new ReloadOutcome(false, "reload failed, the previous database keeps serving: " + r.error(), current);
    }
}
