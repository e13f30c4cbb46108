package dev.vigil.daemon;

import dev.vigil.engine.ScanLimits;

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
        Path temporaryDirectory, List<String> warnings) {

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
        ScanLimits l = ScanLimits.DEFAULT.withMaxFileSize(maxFileSize).withMaxScanSize(maxScanSize);
        return maxScanTimeMillis > 0 ? l.withMaxScanTime(Duration.ofMillis(maxScanTimeMillis)) : l;
    }
}
