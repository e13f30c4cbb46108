package dev.vigil.daemon.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * What the HTTP API needs from whoever holds the signature database: its description, a scan, and a reload. The
 * daemon's database holder implements it; {@link EngineScanBackend} is a minimal implementation over one engine.
 * Implementations must be thread-safe: the server calls them from several request threads at once.
 */
public interface ScanBackend {

    /** The database now serving scans, or empty while none is loaded (the API then answers 503). */
    Optional<DatabaseInfo> database();

    /**
     * Scans one file given as a stream, reading at most {@code maxBytes} bytes of it.
     *
     * @throws NoDatabaseException when no database is loaded
     * @throws IOException         when the content cannot be scanned (reported for that file as {@code ERROR})
     */
    ScanOutcome scan(InputStream body, long maxBytes, boolean allMatch) throws IOException;

    /** Loads the database again and swaps it in atomically; a broken new database leaves the old one serving. */
    ReloadOutcome reload();

    /** Thrown by {@link #scan} while no database is loaded. */
    final class NoDatabaseException extends RuntimeException {
        public NoDatabaseException() {
            super("no signature database is loaded");
        }
    }
}
