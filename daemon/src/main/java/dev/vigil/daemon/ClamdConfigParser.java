package dev.vigil.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code clamd.conf} with clamd 1.4's syntax: one {@code Name value} per line, {@code #} comments, values
 * optionally in double quotes, booleans {@code yes/no/true/false/1/0}, sizes with a {@code K}, {@code M} or {@code G}
 * suffix (a size of 0 means no limit), and the {@code Example} line that marks an unedited sample. A malformed value
 * is an error, as in clamd; an option clamd does not know, or one vigild does not apply, becomes a warning with its
 * line (clamd refuses unknown options; vigild starts and says what it ignored).
 */
public final class ClamdConfigParser {
    private static final Pattern BOOL = Pattern.compile("(?i)yes|true|1|no|false|0");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    private static final Pattern SIZE = Pattern.compile("(?i)([0-9]+)([KMG]?)");

    /** Every option clamd 1.4 accepts in clamd.conf (names from its option table), deprecated ones included. */
    private static final Set<String> CLAMD_OPTIONS = Set.of("AlertExceedsMax", "CacheSize", "PreludeEnable",
            "PreludeAnalyzerName", "LogFile", "LogFileUnlock", "LogFileMaxSize", "LogTime", "LogClean", "LogSyslog",
            "LogFacility", "LogVerbose", "LogRotate", "ExtendedDetectionInfo", "PidFile", "TemporaryDirectory",
            "DatabaseDirectory", "OfficialDatabaseOnly", "FailIfCvdOlderThan", "LocalSocket", "LocalSocketGroup",
            "LocalSocketMode", "FixStaleSocket", "TCPSocket", "TCPAddr", "MaxConnectionQueueLength",
            "StreamMaxLength", "StreamMinPort", "StreamMaxPort", "MaxThreads", "ReadTimeout", "CommandReadTimeout",
            "SendBufTimeout", "MaxQueue", "IdleTimeout", "ExcludePath", "MaxDirectoryRecursion",
            "FollowDirectorySymlinks", "FollowFileSymlinks", "CrossFilesystems", "SelfCheck",
            "ConcurrentDatabaseReload", "DisableCache", "VirusEvent", "ExitOnOOM", "AllowAllMatchScan", "Foreground",
            "Debug", "LeaveTemporaryFiles", "GenerateMetadataJson", "User", "Bytecode", "BytecodeSecurity",
            "BytecodeTimeout", "BytecodeUnsigned", "BytecodeMode", "DetectPUA", "ExcludePUA", "IncludePUA", "ScanPE",
            "ScanELF", "ScanMail", "ScanPartialMessages", "PhishingSignatures", "PhishingScanURLs", "HeuristicAlerts",
            "HeuristicScanPrecedence", "StructuredDataDetection", "StructuredMinCreditCardCount",
            "StructuredMinSSNCount", "StructuredSSNFormatNormal", "StructuredSSNFormatStripped", "ScanHTML",
            "ScanOLE2", "AlertBrokenExecutables", "AlertBrokenMedia", "AlertEncrypted", "StructuredCCOnly",
            "AlertEncryptedArchive", "AlertEncryptedDoc", "AlertOLE2Macros", "AlertPhishingSSLMismatch",
            "AlertPhishingCloak", "AlertPartitionIntersection", "ScanPDF", "ScanSWF", "ScanXMLDOCS", "ScanHWP3",
            "ScanOneNote", "ScanArchive", "ScanImage", "ScanImageFuzzyHash", "ForceToDisk", "MaxScanTime",
            "MaxScanSize", "MaxFileSize", "MaxRecursion", "MaxFiles", "MaxEmbeddedPE", "MaxHTMLNormalize",
            "MaxHTMLNoTags", "MaxScriptNormalize", "MaxZipTypeRcg", "MaxPartitions", "MaxIconsPE", "MaxRecHWP3",
            "PCREMatchLimit", "PCRERecMatchLimit", "PCREMaxFileSize", "OnAccessMountPath", "OnAccessIncludePath",
            "OnAccessExcludePath", "OnAccessExcludeRootUID", "OnAccessExcludeUID", "OnAccessExcludeUname",
            "OnAccessMaxFileSize", "OnAccessDisableDDD", "OnAccessPrevention", "OnAccessExtraScanning",
            "OnAccessCurlTimeout", "OnAccessMaxThreads", "OnAccessRetryAttempts", "OnAccessDenyOnError", "DevACOnly",
            "DevACDepth", "DevCollectHashes", "DevPerformance", "DevLiblog", "DisableCertCheck",
            "DetectBrokenExecutables", "AlgorithmicDetection", "BlockMax", "PhishingAlwaysBlockSSLMismatch",
            "PhishingAlwaysBlockCloak", "PartitionIntersection", "OLE2BlockMacros", "ArchiveBlockEncrypted",
            "MailMaxRecursion", "ArchiveMaxScanSize", "ArchiveMaxRecursion", "ArchiveMaxFiles",
            "ArchiveMaxCompressionRatio", "ArchiveBlockMax", "ArchiveLimitMemoryUsage", "MailFollowURLs",
            "AllowSupplementaryGroups", "ScanOnAccess");

    private enum Type { STRING, BOOL, NUMBER, SIZE }

    /** The options vigild applies, with their value types. */
    private static final Map<String, Type> APPLIED = Map.ofEntries(
            Map.entry("TCPSocket", Type.NUMBER), Map.entry("TCPAddr", Type.STRING),
            Map.entry("LocalSocket", Type.STRING), Map.entry("LocalSocketMode", Type.STRING),
            Map.entry("FixStaleSocket", Type.BOOL), Map.entry("DatabaseDirectory", Type.STRING),
            Map.entry("DetectPUA", Type.BOOL), Map.entry("MaxThreads", Type.NUMBER),
            Map.entry("MaxQueue", Type.NUMBER), Map.entry("MaxConnectionQueueLength", Type.NUMBER),
            Map.entry("IdleTimeout", Type.NUMBER), Map.entry("ReadTimeout", Type.NUMBER),
            Map.entry("CommandReadTimeout", Type.NUMBER), Map.entry("SendBufTimeout", Type.NUMBER),
            Map.entry("StreamMaxLength", Type.SIZE), Map.entry("MaxScanSize", Type.SIZE),
            Map.entry("MaxFileSize", Type.SIZE), Map.entry("MaxRecursion", Type.NUMBER),
            Map.entry("MaxFiles", Type.NUMBER), Map.entry("MaxScanTime", Type.NUMBER),
            Map.entry("MaxDirectoryRecursion", Type.NUMBER), Map.entry("FollowDirectorySymlinks", Type.BOOL),
            Map.entry("FollowFileSymlinks", Type.BOOL), Map.entry("AlertExceedsMax", Type.BOOL),
            Map.entry("AllowAllMatchScan", Type.BOOL),
            Map.entry("LogFile", Type.STRING), Map.entry("LogTime", Type.BOOL), Map.entry("LogVerbose", Type.BOOL),
            Map.entry("LogClean", Type.BOOL), Map.entry("Foreground", Type.BOOL), Map.entry("PidFile", Type.STRING),
            Map.entry("TemporaryDirectory", Type.STRING), Map.entry("User", Type.STRING),
            Map.entry("MaxEmbeddedPE", Type.SIZE), Map.entry("MaxHTMLNormalize", Type.SIZE),
            Map.entry("MaxHTMLNoTags", Type.SIZE), Map.entry("MaxScriptNormalize", Type.SIZE),
            Map.entry("PCREMaxFileSize", Type.SIZE),
            // accepted without effect, as docs/daemon.md says: vigild reads no partitions, icon signatures or HWP3,
            // Java's regex engine has no PCRE match counters (a work budget bounds each search instead), and clamd 1.4
            // never types embedded files in a zip, whatever MaxZipTypeRcg says
            Map.entry("MaxZipTypeRcg", Type.SIZE),
            Map.entry("MaxPartitions", Type.NUMBER), Map.entry("MaxIconsPE", Type.NUMBER),
            Map.entry("MaxRecHWP3", Type.NUMBER), Map.entry("PCREMatchLimit", Type.NUMBER),
            Map.entry("PCRERecMatchLimit", Type.NUMBER),
            // accepted because vigild already behaves as they ask: concurrent reload is how it always reloads
            Map.entry("ConcurrentDatabaseReload", Type.BOOL), Map.entry("CrossFilesystems", Type.BOOL));

    private final Map<String, String> single = new HashMap<>();
    private final List<String> tcpAddrs = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** Reads a configuration file. */
    public static ClamdConfig parse(Path file) throws IOException, ConfigException {
        return parse(Files.readString(file, StandardCharsets.ISO_8859_1), file.toString());
    }

    /** Reads configuration text; {@code name} appears in messages. */
    public static ClamdConfig parse(String text, String name) throws ConfigException {
        ClamdConfigParser p = new ClamdConfigParser();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            p.line(lines[i], name, i + 1);
        }
        return p.build();
    }

    private static final Set<String> PATHS = Set.of("LocalSocket", "DatabaseDirectory", "LogFile", "PidFile",
            "TemporaryDirectory");

    private void line(String raw, String file, int number) throws ConfigException {
        int nul = raw.indexOf('\0');
        // clamd reads lines as C strings: a NUL ends the line's text
        String line = stripLeading(nul >= 0 ? raw.substring(0, nul) : raw);
        // clamd skips comments and lines of at most two characters counting the newline
        if (line.length() + 1 <= 2 || line.charAt(0) == '#') {
            return;
        }
        if (line.startsWith("Example")) {
            throw new ConfigException(file + ":" + number + ": Please edit the example config file (remove the"
                    + " 'Example' line)");
        }
        int sep = indexOfBlank(line);
        if (sep < 0) {
            throw new ConfigException(file + ":" + number + ": Missing argument for option " + line.strip());
        }
        String name = line.substring(0, sep);
        String value = stripLeading(line.substring(sep + 1)).replaceAll("[ \t\r]+$", "");
        if (value.isEmpty()) {
            throw new ConfigException(file + ":" + number + ": Missing argument for option " + name);
        }
        if (value.charAt(0) == '"') {
            int close = value.lastIndexOf('"');
            if (close == 0) {
                throw new ConfigException(file + ":" + number + ": Missing closing quote in option " + name);
            }
            value = value.substring(1, close);
            if (value.isEmpty()) {
                throw new ConfigException(file + ":" + number + ": Empty argument for option " + name);
            }
        }
        Type type = APPLIED.get(name);
        if (type == null) {
            warnings.add(file + ":" + number + ": " + (CLAMD_OPTIONS.contains(name)
                    ? "clamd option " + name + " is not applied by vigild; ignored"
                    : "Unknown option " + name + "; ignored (clamd would refuse to start)"));
            return;
        }
        if (!valid(type, value)) {
            throw new ConfigException(file + ":" + number + ": Incorrect argument format for option " + name);
        }
        if (PATHS.contains(name)) {
            try {
                Path.of(value);
            } catch (java.nio.file.InvalidPathException e) {
                throw new ConfigException(file + ":" + number + ": Invalid path for option " + name + ": "
                        + e.getReason());
            }
        }
        if (name.equals("User")) {
            warnings.add(file + ":" + number + ": User is ignored: vigild does not change its user; start it as"
                    + " the user it should run as");
        } else if (name.equals("TCPAddr")) {
            tcpAddrs.add(value);
        } else {
            single.put(name, value);
        }
    }

    private static boolean valid(Type type, String value) {
        return switch (type) {
            case STRING -> true;
            case BOOL -> BOOL.matcher(value).matches();
            case NUMBER -> NUMBER.matcher(value).matches();
            case SIZE -> SIZE.matcher(value).matches();
        };
    }

    ClamdConfig build() {
        return new ClamdConfig(number("TCPSocket", -1), tcpAddrs, path("LocalSocket", null),
                single.get("LocalSocketMode"), bool("FixStaleSocket", true),
                path("DatabaseDirectory", Path.of("/var/lib/clamav")), bool("DetectPUA", false),
                Math.max(1, number("MaxThreads", 10)), Math.max(1, number("MaxQueue", 100)),
                number("MaxConnectionQueueLength", 200), number("IdleTimeout", 30),
                number("ReadTimeout", 120), number("CommandReadTimeout", 30), number("SendBufTimeout", 500),
                size("StreamMaxLength", 100L << 20), size("MaxScanSize", 400L << 20),
                size("MaxFileSize", 100L << 20), number("MaxRecursion", 17), number("MaxFiles", 10_000),
                number("MaxScanTime", 0), number("MaxDirectoryRecursion", 15),
                bool("FollowDirectorySymlinks", false), bool("FollowFileSymlinks", false),
                bool("AlertExceedsMax", false), bool("AllowAllMatchScan", true),
                path("LogFile", null), bool("LogTime", false),
                bool("LogVerbose", false), bool("LogClean", false), bool("Foreground", false),
                path("PidFile", null), path("TemporaryDirectory", null), contentLimits(), warnings);
    }

    private ClamdConfig.ContentLimits contentLimits() {
        ClamdConfig.ContentLimits d = ClamdConfig.ContentLimits.DEFAULT;
        return new ClamdConfig.ContentLimits(size("MaxEmbeddedPE", d.maxEmbeddedPe()),
                size("MaxHTMLNormalize", d.maxHtmlNormalize()), size("MaxHTMLNoTags", d.maxHtmlNoTags()),
                size("MaxScriptNormalize", d.maxScriptNormalize()), size("PCREMaxFileSize", d.pcreMaxFileSize()));
    }

    private int number(String name, int dflt) {
        String v = single.get(name);
        if (v == null) {
            return dflt;
        }
        // clamd reads numbers with atoi; values past int's range are clipped here instead of wrapping
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** A size in bytes; clamd turns 0 into its largest value, which vigild spells 0 (no limit). */
    private long size(String name, long dflt) {
        String v = single.get(name);
        if (v == null) {
            return dflt;
        }
        long n = parseSize(v);
        return n < 0 ? 0 : n; // too large for clamd too: it resets the value to its maximum
    }

    /** Bytes for a validated size argument, or -1 when it is too large to represent. */
    private static long parseSize(String v) {
        var m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new IllegalStateException(v);
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
        return n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
    }

    private boolean bool(String name, boolean dflt) {
        String v = single.get(name);
        if (v == null) {
            return dflt;
        }
        return v.equalsIgnoreCase("yes") || v.equalsIgnoreCase("true") || v.equals("1");
    }

    private Path path(String name, Path dflt) {
        String v = single.get(name);
        return v == null ? dflt : Path.of(v);
    }

    private static String stripLeading(String s) {
        int i = 0;
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return s.substring(i);
    }

    private static int indexOfBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }
}
