package dev.vigil.daemon;

import dev.vigil.engine.ScanLimits;
import dev.vigil.unpack.UnpackLimits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The settings of a {@code clamd.conf} that vigild applies, with clamd 1.4's defaults. Sizes are bytes; 0 in a size
 * field means "no limit" (clamd turns a configured 0 into its largest value, which amounts to the same).
 *
 * @param tcpSocket       TCP port, or -1 for none
 * @param tcpAddrs        addresses to bind the TCP port to (vigild binds 127.0.0.1 when none is given, clamd all)
 * @param localSocket     Unix socket path, or null for none
 * @param localSocketMode octal permission string for the Unix socket (e.g. "660"), or null to keep the umask's
 * @param contentLimits   MaxEmbeddedPE, MaxHTMLNormalize, MaxHTMLNoTags, MaxScriptNormalize and PCREMaxFileSize
 * @param warnings        what the parser reported without refusing the file: unknown and unsupported options
 */
public record ClamdConfig(
        int tcpSocket, List<String> tcpAddrs, Path localSocket, String localSocketMode, boolean fixStaleSocket,
        Path databaseDirectory, boolean detectPua,
        int maxThreads, int maxQueue, int maxConnectionQueueLength, int idleTimeoutSeconds,
        int readTimeoutSeconds, int commandReadTimeoutSeconds, int sendBufTimeoutMillis,
        long streamMaxLength, long maxScanSize, long maxFileSize, int maxRecursion, int maxFiles,
        long maxScanTimeMillis, int maxDirectoryRecursion, boolean followDirectorySymlinks, boolean followFileSymlinks,
        boolean alertExceedsMax, boolean allowAllMatchScan,
        Path logFile, boolean logTime, boolean logVerbose, boolean logClean, boolean foreground, Path pidFile,
        Path temporaryDirectory, ContentLimits contentLimits, List<String> warnings) {

    /** clamd 1.4's defaults (no socket configured; vigild falls back to 127.0.0.1:3310 then). */
    public static ClamdConfig defaults() {
        return new ClamdConfigParser().build();
    }

    public ClamdConfig {
        tcpAddrs = List.copyOf(tcpAddrs);
        warnings = List.copyOf(warnings);
    }

    /** The engine limits these settings ask for (clamd's MaxScanTime 0 means the engine default, 120 s). */
    public ScanLimits scanLimits() {
        ScanLimits l = ScanLimits.DEFAULT.withMaxFileSize(maxFileSize).withMaxScanSize(maxScanSize)
                .withNormalizeLimits(contentLimits.maxHtmlNormalize(), contentLimits.maxHtmlNoTags(),
                        contentLimits.maxScriptNormalize())
                .withPcreMaxFileSize(contentLimits.pcreMaxFileSize());
        return maxScanTimeMillis > 0 ? l.withMaxScanTime(Duration.ofMillis(maxScanTimeMillis)) : l;
    }

    /** The limits of recursive scanning these settings ask for. */
    public UnpackLimits unpackLimits() {
        return UnpackLimits.of(scanLimits(), maxRecursion, maxFiles, contentLimits.maxEmbeddedPe());
    }

    /** clamd's limits on what is looked at inside a file, with clamd 1.4's defaults. */
    public record ContentLimits(long maxEmbeddedPe, long maxHtmlNormalize, long maxHtmlNoTags, long maxScriptNormalize,
                                long pcreMaxFileSize) {
        public static final ContentLimits DEFAULT = new ContentLimits(UnpackLimits.DEFAULT.maxEmbeddedPe(),
                ScanLimits.DEFAULT.maxHtmlNormalize(), ScanLimits.DEFAULT.maxHtmlNoTags(),
                ScanLimits.DEFAULT.maxScriptNormalize(), ScanLimits.DEFAULT.pcreMaxFileSize());
    }
}
