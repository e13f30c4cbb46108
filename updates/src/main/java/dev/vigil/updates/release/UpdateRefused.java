package dev.vigil.updates.release;

/**
 * The update client refused a release; nothing was installed and the trusted state is unchanged. The reason says
 * which check failed, the message says what was seen.
 */
public final class UpdateRefused extends Exception {
    public enum Reason {
        /** The mirror's files could not be read or are malformed (missing, truncated or oversized tiles). */
        BAD_LOG_DATA,
        /** The checkpoint is not signed by the pinned log key (or another trusted signature on it fails). */
        LOG_SIGNATURE,
        /** Too few pinned witnesses cosigned the checkpoint. */
        WITNESS_QUORUM,
        /** The newest witness cosignature is older than the policy allows: a frozen mirror. */
        STALE_CHECKPOINT,
        /** The log is smaller than one already seen. */
        LOG_ROLLBACK,
        /** The checkpoint is not consistent with the one already seen: a forked log or split view. */
        LOG_FORK,
        /** A manifest signature by a release key fails, or the manifest is not a valid signed note. */
        MANIFEST_SIGNATURE,
        /** Fewer release keys than the threshold signed the manifest. */
        RELEASE_THRESHOLD,
        /** The signed manifest is not the log entry at its index. */
        NOT_IN_LOG,
        /** The manifest text is malformed. */
        MALFORMED_MANIFEST,
        /** The version does not increase. */
        VERSION_ROLLBACK,
        /** The previous-manifest hash does not name the release accepted before it. */
        BROKEN_CHAIN,
        /** The release needs a newer engine. */
        ENGINE_TOO_OLD,
        /** An artifact's bytes do not match the manifest's SHA-256 or size. */
        ARTIFACT_MISMATCH,
        /** An artifact is longer than its declared size (endless data). */
        ARTIFACT_TOO_LARGE,
    }

    private final Reason reason;

    public UpdateRefused(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public UpdateRefused(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
