package dev.vigil.daemon.http;

/**
 * The result of a reload request.
 *
 * @param reloaded true when a new database now serves scans
 * @param message  what happened, in words (the load error when it failed)
 * @param database the database serving scans after the attempt (the old one after a failure), or null if none
 */
public record ReloadOutcome(boolean reloaded, String message, DatabaseInfo database) {
}
