package dev.vigil.daemon;

import dev.vigil.daemon.http.DatabaseInfo;
import dev.vigil.daemon.http.ReloadOutcome;
import dev.vigil.daemon.http.ScanBackend;
import dev.vigil.daemon.http.ScanOutcome;
import dev.vigil.engine.ScanResult;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Optional;

/**
 * The HTTP API's view of vigild: the same database holder as the clamd sockets (one reload serves both) and the same
 * scan limits.
 */
public final class HolderScanBackend implements ScanBackend {
    private final DatabaseHolder holder;
    /** The clamd sockets' scanner: its options, its container limits and its MaxThreads slots. */
    private final Scanner scanner;

    public HolderScanBackend(DatabaseHolder holder, Scanner scanner) {
        this.holder = holder;
        this.scanner = scanner;
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

    /** Scans through the clamd sockets' {@link Scanner}, waiting for one of its MaxThreads slots. */
    @Override
    public ScanOutcome scan(InputStream body, long maxBytes, boolean allMatch) throws IOException {
        Database db = holder.current();
        if (db == null) {
            throw new NoDatabaseException();
        }
        try {
            ScanResult r = scanner.scan(db, body, maxBytes, allMatch);
            return new ScanOutcome(r.detections(), r.size(), r.limitExceeded());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a scan slot");
        }
    }

    @Override
    public ReloadOutcome reload() {
        DatabaseHolder.ReloadResult r = holder.reload();
        DatabaseInfo current = r.current() == null ? null : info(r.current());
        return r.loaded() ? new ReloadOutcome(true, "database reloaded", current)
                : new ReloadOutcome(false, "reload failed, the previous database keeps serving: " + r.error(), current);
    }
}
