package dev.vigil.daemon;

import dev.vigil.clamav.HashSegmentCache;
import dev.vigil.engine.Engine;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One loaded signature database, immutable: scans take a snapshot and keep using it even when a reload swaps in a
 * newer one meanwhile.
 *
 * @param engine          the compiled signatures
 * @param directory       where it was loaded from
 * @param signatureCount  clamd's "Known viruses" count (ClamAV signatures plus YARA rules)
 * @param dailyVersion    the version of the {@code daily} database, or 0 when there is none (as clamd's VERSION)
 * @param dailyBuildTime  the build time of the {@code daily} database, or null
 * @param loadedAt        when the load finished
 * @param loadMillis      how long the load took
 * @param hashSegments    the hash segments of its hash database files, which the next reload takes over for the
 *                        files that did not change (the engine holds the same segments)
 */
public record Database(Engine engine, Path directory, long signatureCount, int dailyVersion, Instant dailyBuildTime,
                       Instant loadedAt, long loadMillis, HashSegmentCache hashSegments) {
}
