package dev.vigil.daemon;

import dev.vigil.clamav.HashSegmentCache;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Holds the database in service and replaces it atomically. A reload builds the new database completely beside the
 * old one and then swaps one reference; scans that took the old snapshot finish on it, new scans get the new one, and
 * a database that fails to load is refused while the old one keeps serving. Reloads run one at a time; requests that
 * arrive while one runs are folded into a single further reload.
 */
public final class DatabaseHolder {
    /** The outcome of one reload: the database now in service, and the error if the new one was refused. */
    public record ReloadResult(boolean loaded, Database current, String error) {
    }

    private final Path directory;
    private final DatabaseLoader loader;
    private final AtomicReference<Database> current = new AtomicReference<>();
    private final Object reloadLock = new Object();
    private final AtomicBoolean backgroundPending = new AtomicBoolean();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failedReloads = new AtomicLong();
    private volatile String lastError;
    private volatile Instant lastAttempt;
    private volatile Consumer<String> log = m -> { };

    public DatabaseHolder(Path directory, DatabaseLoader loader) {
        this.directory = directory;
        this.loader = loader;
    }

    /** Where messages about reloads go (the daemon's log). */
    public void logTo(Consumer<String> log) {
        this.log = log;
    }

    /** The database in service, or null before the first successful load. */
    public Database current() {
        return current.get();
    }

    public Path directory() {
        return directory;
    }

    /** Loads the directory again and swaps the result in; blocks until done. Safe to call from any thread. */
    public ReloadResult reload() {
        synchronized (reloadLock) {
            lastAttempt = Instant.now();
            returnLoadGarbage();
            try {
                Database fresh = loader.load(directory, current.get());
                current.set(fresh);
                reloads.incrementAndGet();
                lastError = null;
                HashSegmentCache segments = fresh.hashSegments();
                log.accept("Database correctly reloaded (" + fresh.signatureCount() + " signatures, "
                        + fresh.loadMillis() + " ms; hash database files: " + segments.reusedFiles()
                        + " unchanged, " + segments.parsedFiles() + " parsed).");
                return new ReloadResult(true, fresh, null);
            } catch (DatabaseLoadException | RuntimeException | OutOfMemoryError e) {
                failedReloads.incrementAndGet();
                String message = e instanceof DatabaseLoadException ? e.getMessage() : e.toString();
                lastError = message;
                log.accept("Database reload failed, the previous database stays in service: " + message);
                return new ReloadResult(false, current.get(), message);
            } finally {
                returnLoadGarbage();
            }
        }
    }

    /**
     * A database load leaves several times the new database's size in garbage (parsed text, builders), and after a
     * swap the old database is garbage too once its last scans end. Both sit in the old generation, where a young
     * collection never looks, so the heap would stay at its load-time peak. A full collection after each load lets
     * the JVM give that memory back (with the heap-free ratios the {@code vigild} launcher sets), and one before it
     * clears what serving scans left there, so the new database fills freed space instead of growing the heap. A
     * reload is rare and already slow, so the pauses do not matter.
     */
    private static void returnLoadGarbage() {
        System.gc();
    }

    /**
     * Starts a reload on a background thread and returns at once (clamd's RELOAD answers before it reloads). A request
     * made while a background reload is still queued is absorbed by it.
     */
    public void reloadInBackground() {
        if (backgroundPending.compareAndSet(false, true)) {
            Thread.ofPlatform().name("vigild-reload").daemon(true).start(() -> {
                synchronized (reloadLock) {
                    backgroundPending.set(false);
                    reload();
                }
            });
        }
    }

    /** Successful loads so far, the first one included. */
    public long reloadCount() {
        return reloads.get();
    }

    public long failedReloadCount() {
        return failedReloads.get();
    }

    /** Why the last load failed, or null if it succeeded. */
    public String lastError() {
        return lastError;
    }

    public Instant lastAttempt() {
        return lastAttempt;
    }
}
