package dev.vigil.unpack;

import dev.vigil.engine.ScanLimits;

import java.time.Duration;

/**
 * Limits on recursive scanning, with clamd's names, defaults and meanings. A value of 0 means no limit (clamscan and
 * clamd read a 0 in these options the same way).
 *
 * @param maxScanSize        bytes scanned in total for one top-level input, extracted data included (MaxScanSize)
 * @param maxFileSize        bytes of one file or extracted object beyond which it is not scanned (MaxFileSize)
 * @param maxRecursion       container nesting depth (MaxRecursion)
 * @param maxFiles           objects extracted from one top-level input (MaxFiles)
 * @param maxEmbeddedPe      an embedded PE is looked for only where it would run at most this many bytes to the
 *                           end of its container (MaxEmbeddedPE)
 * @param maxScanTime        wall time for one top-level input (MaxScanTime)
 * @param maxHtmlNormalize   HTML larger than this is not normalised, so neither matched nor unpacked (MaxHTMLNormalize)
 * @param maxHtmlNoTags      HTML larger than this gets no tag-stripped view (MaxHTMLNoTags)
 * @param maxScriptNormalize text larger than this gets no normalised view (MaxScriptNormalize)
 * @param pcreMaxFileSize    data larger than this is not searched by PCRE subsignatures (PCREMaxFileSize)
 */
public record UnpackLimits(long maxScanSize, long maxFileSize, int maxRecursion, int maxFiles, long maxEmbeddedPe,
                           Duration maxScanTime, long maxHtmlNormalize, long maxHtmlNoTags, long maxScriptNormalize,
                           long pcreMaxFileSize) {

    public static final long DEFAULT_MAX_EMBEDDED_PE = 40L << 20;

    /** clamd 1.4's defaults. */
    public static final UnpackLimits DEFAULT = new UnpackLimits(400L << 20, 100L << 20, 17, 10_000,
            DEFAULT_MAX_EMBEDDED_PE, Duration.ofMillis(120_000));

    /** The six main limits, with clamd's defaults for the normalisation and PCRE limits. */
    public UnpackLimits(long maxScanSize, long maxFileSize, int maxRecursion, int maxFiles, long maxEmbeddedPe,
                        Duration maxScanTime) {
        this(maxScanSize, maxFileSize, maxRecursion, maxFiles, maxEmbeddedPe, maxScanTime,
                ScanLimits.DEFAULT_MAX_HTML_NORMALIZE, ScanLimits.DEFAULT_MAX_HTML_NOTAGS,
                ScanLimits.DEFAULT_MAX_SCRIPT_NORMALIZE, ScanLimits.DEFAULT_PCRE_MAX_FILESIZE);
    }

    /**
     * The recursive-scan limits for the engine-level ones in {@code engine} (sizes, time, normalisation, PCRE) and
     * the given container limits.
     */
    public static UnpackLimits of(ScanLimits engine, int maxRecursion, int maxFiles, long maxEmbeddedPe) {
        return new UnpackLimits(engine.maxScanSize(), engine.maxFileSize(), maxRecursion, maxFiles, maxEmbeddedPe,
                engine.maxScanTime(), engine.maxHtmlNormalize(), engine.maxHtmlNoTags(), engine.maxScriptNormalize(),
                engine.pcreMaxFileSize());
    }

    /** The same limits with another MaxFileSize. */
    public UnpackLimits withMaxFileSize(long v) {
        return new UnpackLimits(maxScanSize, v, maxRecursion, maxFiles, maxEmbeddedPe, maxScanTime, maxHtmlNormalize,
                maxHtmlNoTags, maxScriptNormalize, pcreMaxFileSize);
    }

    /** The limits the engine applies to one object, given the scan time left for it. */
    public ScanLimits engineLimits(Duration timeLeft) {
        return new ScanLimits(maxFileSize, maxScanSize, timeLeft, ScanLimits.DEFAULT.maxMatchesPerPattern(),
                maxHtmlNormalize, maxHtmlNoTags, maxScriptNormalize, pcreMaxFileSize);
    }
}
