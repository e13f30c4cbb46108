package dev.vigil.daemon;

import dev.vigil.daemon.http.DatabaseInfo;
import dev.vigil.daemon.http.ReloadOutcome;
import dev.vigil.daemon.http.ScanBackend;
import dev.vigil.daemon.http.ScanOutcome;
import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The HTTP API's view of vigild: the same database holder as the clamd sockets (one reload serves both) and the same
 * scan limits.
 */
public final class HolderScanBackend implements ScanBackend {
    private final DatabaseHolder holder;
    private final ScanOptions options;

    public HolderScanBackend(DatabaseHolder holder, ScanOptions options) {
        this.holder = holder;
        this.options = options;
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

    @Override
    public ScanOutcome scan(InputStream body, long maxBytes, boolean allMatch) throws IOException {
        Database db = holder.current();
        if (db == null) {
            throw new NoDatabaseException();
        }
        ScanLimits limits = options.limits();
        if (maxBytes > 0 && (limits.maxFileSize() <= 0 || maxBytes < limits.maxFileSize())) {
            limits = limits.withMaxFileSize(maxBytes);
        }
        ScanResult r = db.engine().scan(body, options.withAllMatch(allMatch).withLimits(limits));
        return new ScanOutcome(r.detections(), r.size(), r.limitExceeded());
    }

    @Override
    public ReloadOutcome reload() {
        DatabaseHolder.ReloadResult r = holder.reload();
        DatabaseInfo current = r.current() == null ? null : info(r.current());
        return r.loaded() ? new ReloadOutcome(true, "database reloaded", current)
                : new ReloadOutcome(false, "reload failed, the previous database keeps serving: " + r.error(), current);
    }
}
