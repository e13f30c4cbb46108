package dev.vigil.yara;

/**
 * Per-scan options.
 *
 * @param fastMode      stop recording a string after its first match ({@code yara -f})
 * @param timeoutMillis give up after this long (0 = no limit); the result then carries a warning
 */
public record YaraScanOptions(boolean fastMode, long timeoutMillis) {
    public static final YaraScanOptions DEFAULT = new YaraScanOptions(false, 0);
}
