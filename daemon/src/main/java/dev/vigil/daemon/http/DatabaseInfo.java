package dev.vigil.daemon.http;

import java.time.Instant;

/**
 * The database serving scans.
 *
 * @param version        a short version text (ClamAV container versions, or a description of the sources)
 * @param signatureCount number of detection signatures
 * @param loadedAt       when it was swapped in
 */
public record DatabaseInfo(String version, long signatureCount, Instant loadedAt) {
}
