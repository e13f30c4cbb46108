package dev.vigil.yara;

/**
 * Per-scan options.
 *
 * @param fastMode           stop recording a string after its first match ({@code yara -f})
 * @param timeoutMillis      give up after this long (0 = no limit); the result then carries a warning
 * @param notMatchingStrings also report the string matches of rules that did not match
 *                           ({@link YaraScanResult#notMatching()}, as {@code yara -n -s} prints them). Off by
 *                           default: copying them out of a file before it closes costs every scan, and only a
 *                           caller that reads them should pay for it.
 */
public record YaraScanOptions(boolean fastMode, long timeoutMillis, boolean notMatchingStrings) {
    public static final YaraScanOptions DEFAULT = new YaraScanOptions(false, 0, false);

    /** Options that leave out the string matches of rules that did not match. */
    public YaraScanOptions(boolean fastMode, long timeoutMillis) {
        this(fastMode, timeoutMillis, false);
    }
}
