package dev.vigil.daemon.http;

import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ScanBackend} over one {@link Engine} held in an atomic reference: a reload builds a whole new engine with
 * the loader and swaps the reference, so scans already running finish on the engine they started with.
 */
public final class EngineScanBackend implements ScanBackend {

    /** Builds a fresh engine; throwing leaves the current one in place. */
    @FunctionalInterface
    public interface Loader {
        Engine load() throws Exception;
    }

    private record Loaded(Engine engine, DatabaseInfo info) {
    }

    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final Loader loader;
    private final ScanLimits limits;
    private final Clock clock;

    public EngineScanBackend(Loader loader, ScanLimits limits) {
        this(loader, limits, Clock.systemUTC());
    }

    EngineScanBackend(Loader loader, ScanLimits limits, Clock clock) {
        this.loader = loader;
        this.limits = limits;
        this.clock = clock;
    }

    /** A backend serving {@code engine} from the start; reloads use {@code loader}. */
    public static EngineScanBackend serving(Engine engine, Loader loader, ScanLimits limits) {
        EngineScanBackend b = new EngineScanBackend(loader, limits);
        b.swap(engine);
        return b;
    }

    private DatabaseInfo swap(Engine engine) {
        DatabaseInfo info = new DatabaseInfo(String.join("; ", engine.sources()), engine.signatureCount(),
                clock.instant());
        current.set(new Loaded(engine, info));
        return info;
    }

    @Override
    public Optional<DatabaseInfo> database() {
        Loaded l = current.get();
        return l == null ? Optional.empty() : Optional.of(l.info());
    }

    @Override
    public ScanOutcome scan(InputStream body, long maxBytes, boolean allMatch) throws IOException {
        Loaded l = current.get();
        if (l == null) {
            throw new NoDatabaseException();
        }
        ScanLimits effective = limits;
        if (maxBytes > 0 && (limits.maxFileSize() <= 0 || maxBytes < limits.maxFileSize())) {
            effective = limits.withMaxFileSize(maxBytes);
        }
        ScanResult r = l.engine().scan(body, new ScanOptions(allMatch, effective));
        return new ScanOutcome(r.detections(), r.size(), r.limitExceeded());
    }

    @Override
    public ReloadOutcome reload() {
        Engine fresh;
        try {
            fresh = loader.load();
        } catch (Exception | OutOfMemoryError e) {
            Loaded l = current.get();
            return new ReloadOutcome(false, "reload failed, the previous database keeps serving: " + e.getMessage(),
                    l == null ? null : l.info());
        }
        DatabaseInfo info = swap(fresh);
        return new ReloadOutcome(true, "database reloaded", info);
    }
}
