package dev.vigil.cli;

import dev.vigil.engine.ScanLimits;
import dev.vigil.unpack.UnpackLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vigil scan}: clamscan's command line, as far as scripts rely on it. */
@Command(name = "scan", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Scan files and directories for malware, like clamscan.",
                "Without -d, Vigil's built-in signatures (official ClamAV test-file signatures) are used."},
        footer = {"", "Exit status: 0 nothing found, 1 something found, 2 an error occurred (1 wins over 2)."})
final class ScanCommand implements Callable<Integer> {
    private final Io io;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Files or directories to scan; '-' reads standard input. Default: the current directory.")
    List<String> paths = new ArrayList<>();

    @Option(names = {"-r", "--recursive"}, description = "Scan subdirectories recursively.")
    boolean recursive;

    @Option(names = {"-d", "--database"}, paramLabel = "FILE|DIR",
            description = "Load ClamAV signatures from FILE or DIR (repeatable). Replaces the built-in signatures.")
    List<Path> databases = new ArrayList<>();

    @Option(names = "--rules", paramLabel = "FILE",
            description = "Also scan with the YARA rules in FILE (repeatable); matches are reported as YARA.<rule>.UNOFFICIAL. "
                    + ".yar/.yara files given with -d, or found in a -d directory, are loaded the same way.")
    List<Path> yaraRules = new ArrayList<>();

    @Option(names = {"-z", "--allmatch"}, description = "Report every matching signature, not only the first.")
    boolean allMatch;

    @Option(names = {"-i", "--infected"}, description = "Only print infected files.")
    boolean infectedOnly;

    @Option(names = {"-o", "--suppress-ok-results"}, description = "Skip printing OK files.")
    boolean suppressOk;

    @Option(names = "--no-summary", description = "Do not print the scan summary.")
    boolean noSummary;

    @Option(names = "--detect-pua", description = "Load the PUA (potentially unwanted application) signatures.")
    boolean detectPua;

    @Option(names = {"-f", "--file-list"}, paramLabel = "FILE",
            description = "Scan the files listed in FILE, one per line (PATH arguments are then ignored).")
    Path fileList;

    @Option(names = "--max-filesize", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Files larger than SIZE are not scanned (K, M or G suffix; 0 = no limit). Default: 100M.")
    long maxFileSize = ScanLimits.DEFAULT.maxFileSize();

    @Option(names = "--max-scansize", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Scan at most SIZE of data per file (0 = no limit). Default: 400M.")
    long maxScanSize = ScanLimits.DEFAULT.maxScanSize();

    @Option(names = "--max-recursion", paramLabel = "N",
            description = "Look at most N containers deep (0 = no limit). Default: 17.")
    int maxRecursion = UnpackLimits.DEFAULT.maxRecursion();

    @Option(names = "--max-files", paramLabel = "N",
            description = "Scan at most N objects extracted from one file (0 = no limit). Default: 10000.")
    int maxFiles = UnpackLimits.DEFAULT.maxFiles();

    @Option(names = "--max-scantime", paramLabel = "MS",
            description = "Stop scanning a file after MS milliseconds (0 = no limit). Default: 120000.")
    long maxScanTime = UnpackLimits.DEFAULT.maxScanTime().toMillis();

    @Option(names = "--max-embeddedpe", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Look for an embedded PE only where it runs at most SIZE bytes to the end of its container."
                    + " Default: 40M.")
    long maxEmbeddedPe = UnpackLimits.DEFAULT.maxEmbeddedPe();

    @Option(names = "--max-htmlnormalize", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "HTML files larger than SIZE are not normalised, hence not scanned. Default: 40M.")
    long maxHtmlNormalize = ScanLimits.DEFAULT.maxHtmlNormalize();

    @Option(names = "--max-htmlnotags", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "HTML files larger than SIZE are not scanned with their tags stripped. Default: 8M.")
    long maxHtmlNoTags = ScanLimits.DEFAULT.maxHtmlNoTags();

    @Option(names = "--max-scriptnormalize", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "Text files larger than SIZE get no normalised scan. Default: 20M.")
    long maxScriptNormalize = ScanLimits.DEFAULT.maxScriptNormalize();

    // clamscan 1.4 never looks for embedded files in a zip, whatever its size: this limit changes nothing there either
    @Option(names = "--max-ziptypercg", paramLabel = "SIZE", converter = SizeConverter.class, hidden = true)
    long maxZipTypeRcg;

    @Option(names = "--pcre-max-filesize", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "PCRE subsignatures do not search data larger than SIZE (0 = no limit). Default: 100M.")
    long pcreMaxFileSize = ScanLimits.DEFAULT.pcreMaxFileSize();

    // clamscan's limits for what Vigil does not do (partitions, icon signatures, HWP3) or cannot do (PCRE's internal
    // match counters, which Java's regex engine lacks): accepted so that clamscan command lines run; docs/cli.md
    // lists them as without effect.
    @Option(names = {"--max-partitions", "--max-iconspe", "--max-rechwp3", "--pcre-match-limit",
            "--pcre-recmatch-limit"}, paramLabel = "N", hidden = true)
    List<Long> limitsWithoutEffect = new ArrayList<>();

    @Option(names = "--scan-archive", arity = "0..1", fallbackValue = "yes", paramLabel = "yes|no",
            converter = YesNoConverter.class, description = "Scan inside archives and compressed files. Default: yes.")
    boolean scanArchive = true;

    @Option(names = {"--alert-encrypted", "--alert-encrypted-archive"}, arity = "0..1", fallbackValue = "yes",
            paramLabel = "yes|no", converter = YesNoConverter.class,
            description = "Report encrypted archive entries as Heuristics.Encrypted.<format>. Default: no.")
    boolean alertEncrypted;

    @Option(names = "--alert-exceeds-max",
            description = "Report files that exceed a limit as Heuristics.Limits.Exceeded.<limit>.")
    boolean alertExceedsMax;

    @Option(names = "--max-dir-recursion", paramLabel = "N",
            description = "Descend at most N directory levels. Default: 15.")
    int maxDirRecursion = 15;

    @Option(names = "--follow-dir-symlinks", paramLabel = "0|1|2",
            description = "Follow directory symlinks: 0 never, 1 on the command line only (default), 2 always.")
    int followDirSymlinks = Walker.LinkPolicy.COMMAND_LINE;

    @Option(names = "--follow-file-symlinks", paramLabel = "0|1|2",
            description = "Follow file symlinks: 0 never, 1 on the command line only (default), 2 always.")
    int followFileSymlinks = Walker.LinkPolicy.COMMAND_LINE;

    @Option(names = "--cross-fs", arity = "1", paramLabel = "yes|no", converter = YesNoConverter.class,
            description = "Scan files and directories on other filesystems. Default: yes.")
    boolean crossFs = true;

    @Option(names = "--json", description = "Print one JSON object per file instead of clamscan's lines (no summary).")
    boolean json;

    @Option(names = "--no-progress", description = "No live progress line on stderr (shown only on a terminal).")
    boolean noProgress;

    @Option(names = "--threads", paramLabel = "N",
            description = "Scan up to N files at a time (output order does not change). Default: number of CPUs, at most 8.")
    int threads = Math.min(8, Runtime.getRuntime().availableProcessors());

    @Option(names = {"-V", "--version"}, description = "Print Vigil's version and the signature set, then exit.")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    ScanCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (version) {
            VersionReport.print(io.out(), databases);
            io.out().flush();
            return 0;
        }
        String problem = validate();
        if (problem != null) {
            io.err().print("ERROR: " + problem + "\n");
            io.err().flush();
            return 2;
        }
        return new ScanSession(settings(), io).run();
    }

    private String validate() {
        if (followDirSymlinks < 0 || followDirSymlinks > 2) {
            return "--follow-dir-symlinks: Invalid argument";
        }
        if (followFileSymlinks < 0 || followFileSymlinks > 2) {
            return "--follow-file-symlinks: Invalid argument";
        }
        if (threads < 1) {
            return "--threads: must be at least 1";
        }
        if (limitsWithoutEffect.stream().anyMatch(n -> n < 0)) {
            return "--max-partitions, --max-iconspe, --max-rechwp3 and --pcre-*-limit take a number >= 0";
        }
        if (maxRecursion < 0 || maxFiles < 0 || maxScanTime < 0) {
            return "--max-recursion, --max-files and --max-scantime take a number >= 0";
        }
        if (maxDirRecursion < 0) {
            return "--max-dir-recursion: Invalid argument";
        }
        return null;
    }

    ScanSettings settings() {
        return new ScanSettings(List.copyOf(paths), fileList, recursive, List.copyOf(databases), allMatch,
                infectedOnly, suppressOk, noSummary, detectPua, json, !noProgress,
                ScanLimits.DEFAULT.withMaxFileSize(maxFileSize).withMaxScanSize(maxScanSize)
                        .withMaxScanTime(java.time.Duration.ofMillis(Math.max(0, maxScanTime)))
                        .withNormalizeLimits(maxHtmlNormalize, maxHtmlNoTags, maxScriptNormalize)
                        .withPcreMaxFileSize(pcreMaxFileSize), alertExceedsMax,
                maxDirRecursion, new Walker.LinkPolicy(followDirSymlinks, followFileSymlinks), crossFs, threads,
                List.copyOf(yaraRules), maxRecursion, maxFiles, maxEmbeddedPe, scanArchive, alertEncrypted);
    }
}
