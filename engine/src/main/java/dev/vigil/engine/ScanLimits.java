package dev.vigil.engine;

import java.time.Duration;

/**
 * Limits that bound one scan, named after clamd's options, with clamd 1.4's defaults. A value of 0 means no limit
 * (clamscan and clamd read a 0 in these options the same way).
 *
 * @param maxFileSize bytes of one file beyond which it is not scanned (clamd MaxFileSize, default 100 MiB)
 * @param maxScanSize bytes of data scanned for one input beyond which scanning stops (clamd MaxScanSize, 400 MiB)
 * @param maxScanTime wall time after which the scan stops (clamd MaxScanTime, 120 s)
 * @param maxMatchesPerPattern match offsets recorded per pattern for counting and offsets (bounds memory)
 * @param maxHtmlNormalize HTML files larger than this are not normalised, hence not matched at all, since ClamAV
 *                         matches HTML only through its normalised views (MaxHTMLNormalize, 40 MiB)
 * @param maxHtmlNoTags HTML files larger than this get no tag-stripped view (MaxHTMLNoTags, 8 MiB)
 * @param maxScriptNormalize text files larger than this get no normalised view (MaxScriptNormalize, 20 MiB)
 * @param pcreMaxFileSize data larger than this is not searched by PCRE subsignatures (PCREMaxFileSize, 100 MiB)
 */
public record ScanLimits(long maxFileSize, long maxScanSize, Duration maxScanTime, int maxMatchesPerPattern,
                         long maxHtmlNormalize, long maxHtmlNoTags, long maxScriptNormalize, long pcreMaxFileSize) {

    public static final long DEFAULT_MAX_HTML_NORMALIZE = 40L << 20;
    public static final long DEFAULT_MAX_HTML_NOTAGS = 8L << 20;
    public static final long DEFAULT_MAX_SCRIPT_NORMALIZE = 20L << 20;
    public static final long DEFAULT_PCRE_MAX_FILESIZE = 100L << 20;

    public static final ScanLimits DEFAULT =
            new ScanLimits(100L << 20, 400L << 20, Duration.ofMillis(120_000), 1_000_000);

    /** No size or time limit; the normalisation and PCRE limits keep clamd's defaults, which bound work per file. */
    public static final ScanLimits NONE = new ScanLimits(0, 0, Duration.ZERO, 1_000_000);

    /** The four basic limits, with clamd's defaults for the normalisation and PCRE limits. */
    public ScanLimits(long maxFileSize, long maxScanSize, Duration maxScanTime, int maxMatchesPerPattern) {
        this(maxFileSize, maxScanSize, maxScanTime, maxMatchesPerPattern, DEFAULT_MAX_HTML_NORMALIZE,
                DEFAULT_MAX_HTML_NOTAGS, DEFAULT_MAX_SCRIPT_NORMALIZE, DEFAULT_PCRE_MAX_FILESIZE);
    }

    public ScanLimits withMaxFileSize(long v) {
        return new ScanLimits(v, maxScanSize, maxScanTime, maxMatchesPerPattern, maxHtmlNormalize, maxHtmlNoTags,
                maxScriptNormalize, pcreMaxFileSize);
    }

    public ScanLimits withMaxScanSize(long v) {
        return new ScanLimits(maxFileSize, v, maxScanTime, maxMatchesPerPattern, maxHtmlNormalize, maxHtmlNoTags,
                maxScriptNormalize, pcreMaxFileSize);
    }

    public ScanLimits withMaxScanTime(Duration v) {
        return new ScanLimits(maxFileSize, maxScanSize, v, maxMatchesPerPattern, maxHtmlNormalize, maxHtmlNoTags,
                maxScriptNormalize, pcreMaxFileSize);
    }

    /** The same limits with other HTML and script normalisation limits (MaxHTMLNormalize, MaxHTMLNoTags, MaxScriptNormalize). */
    public ScanLimits withNormalizeLimits(long htmlNormalize, long htmlNoTags, long scriptNormalize) {
        return new ScanLimits(maxFileSize, maxScanSize, maxScanTime, maxMatchesPerPattern, htmlNormalize, htmlNoTags,
                scriptNormalize, pcreMaxFileSize);
    }

    public ScanLimits withPcreMaxFileSize(long v) {
        return new ScanLimits(maxFileSize, maxScanSize, maxScanTime, maxMatchesPerPattern, maxHtmlNormalize,
                maxHtmlNoTags, maxScriptNormalize, v);
    }

    /** {@code limit} as a bound on a size: 0 (no limit) becomes the largest value. */
    public static long orUnlimited(long limit) {
        return limit > 0 ? limit : Long.MAX_VALUE;
    }
}
