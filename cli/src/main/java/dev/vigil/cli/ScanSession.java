package dev.vigil.cli;

import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineImage;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanOptions;
import dev.vigil.unpack.DeepScanOptions;
import dev.vigil.unpack.RecursiveScanner;
import dev.vigil.unpack.Unpackers;
import dev.vigil.yara.YaraRules;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** One run of {@code vigil scan}: load signatures, walk and scan, report, summarise, and pick the exit status. */
final class ScanSession {
    /** Events between checks that stdout still accepts output (a check flushes it). */
    private static final int OUTPUT_CHECK_INTERVAL = 256;

    private final ScanSettings settings;
    private final Io io;

    ScanSession(ScanSettings settings, Io io) {
        this.settings = settings;
        this.io = io;
    }

    int run() {
        Instant start = Instant.now();
        long startNanos = System.nanoTime();
        ScanStats stats = new ScanStats();
        EngineBuilder builder = Engine.builder();
        Engine engine = null;
        YaraRules yara = null;
        try {
            EngineImage.Loaded image = Signatures.image(settings.databases(), settings.detectPua(),
                    !settings.yaraRules().isEmpty(),
                    w -> io.err().print(w + "\n"));
            if (image != null) {
                if (!settings.yaraRules().isEmpty()) {
                    throw new Signatures.LoadFailure("an engine image cannot be combined with YARA rules", null);
                }
                engine = image.engine();
                stats.knownSignatures = image.knownSignatures();
            } else {
                long clam = Signatures.load(settings.databases(), settings.detectPua(), builder,
                        n -> stats.knownSignatures = n);
                yara = YaraSignatures.compile(YaraSignatures.files(settings.databases(), settings.yaraRules()));
                if (yara != null) {
                    // one pass: the rules' strings join the engine's matcher, matches come back as detections
                    builder.add(yara.patterns());
                    stats.knownSignatures = clam + yara.ruleCount();
                }
                engine = builder.build();
            }
        } catch (IOException e) {
            io.err().print("ERROR: Can't load YARA rules: " + Errors.strerror(e) + "\n");
            stats.silentError = true;
            engine = null;
        } catch (Signatures.LoadFailure | RuntimeException e) {
            io.err().print("ERROR: " + (e instanceof Signatures.LoadFailure ? e.getMessage() : e.toString()) + "\n");
            stats.silentError = true;
        }
        if (engine != null) {
            try {
                scan(engine, stats);
            } catch (OutputClosed e) {
                // Nobody reads the report any more (`vigil scan -r / | head`): stop, as clamscan does on SIGPIPE.
                io.err().print("ERROR: can't write the report: standard output is closed\n");
                io.err().flush();
                return 2;
            }
        }
        if (!settings.noSummary() && !settings.json()) {
            long micros = (System.nanoTime() - startNanos) / 1000;
            io.out().print(Summary.format(stats, VigilVersion.get(), micros, start, Instant.now(),
                    ZoneId.systemDefault()));
        }
        io.out().flush();
        io.err().flush();
        return stats.exitCode();
    }

    private void scan(Engine engine, ScanStats stats) {
        Reporter reporter = settings.json() ? new JsonReporter(io.out(), io.err())
                : new TextReporter(io.out(), io.err(), settings.infectedOnly(), settings.suppressOk());
        ExecutorService pool = settings.threads() > 1 ? Executors.newFixedThreadPool(settings.threads(), workers())
                : null;
        try (Progress progress = Progress.start(io.err(), settings.progress() && io.errIsTerminal())) {
            RecursiveScanner deep = new RecursiveScanner(engine, Unpackers.defaults(), settings.unpackLimits());
            DeepScanOptions deepOptions = new DeepScanOptions(settings.allMatch(), settings.scanArchives(),
                    settings.alertExceedsMax(), settings.alertEncrypted());
            FileScanner scanner = new FileScanner(deep, deepOptions, new ScanOptions(settings.allMatch(),
                    settings.limits()), procDevice(), progress == null ? null : progress::fileDone);
            int[] sinceCheck = {0};
            OrderedOutput output = new OrderedOutput(pool, settings.threads() * 4, event -> {
                stats.record(event);
                if (progress == null) {
                    reporter.report(event);
                } else {
                    progress.hide();
                    reporter.report(event);
                    reporter.flush();
                    progress.show();
                }
                if (++sinceCheck[0] == OUTPUT_CHECK_INTERVAL) {
                    sinceCheck[0] = 0;
                    checkOutput();
                }
            }, () -> {
                reporter.flush();
                checkOutput();
            });
            Walker walker = new Walker(io.cwd(), settings.recursive(), settings.maxDirRecursion(), settings.links(),
                    settings.crossFilesystems(), scanner, output, stats, io.in());
            List<String> targets = targets(stats);
            if (targets == null) {
                walker.currentDirectory();
            } else {
                targets.forEach(walker::argument);
            }
            output.finish();
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        reporter.flush();
    }

    private void checkOutput() {
        if (io.out().checkError()) {
            throw new OutputClosed();
        }
    }

    /** Standard output failed (closed pipe, full disk): scanning on would only waste time. */
    private static final class OutputClosed extends RuntimeException {
        OutputClosed() {
            super(null, null, false, false);
        }
    }

    /** The arguments to scan, or null for the current directory. */
    private List<String> targets(ScanStats stats) {
        if (settings.fileList() == null) {
            return settings.paths().isEmpty() ? null : settings.paths();
        }
        if (!settings.paths().isEmpty()) {
            io.err().print("WARNING: Only scanning files from --file-list (files passed at cmdline are ignored)\n");
        }
        Path list = io.cwd().resolve(settings.fileList());
        try {
            return Files.readAllLines(list, Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")))
                    .stream().filter(l -> !l.isEmpty()).toList();
        } catch (IOException | RuntimeException e) {
            io.err().print("ERROR: --file-list: Can't open file " + settings.fileList() + "\n");
            stats.silentError = true;
            return List.of();
        }
    }

    /** clamscan never scans files on /proc; it recognises the filesystem by the device of a zero-sized /proc. */
    private static long procDevice() {
        try {
            FileStat st = FileStat.stat(Path.of("/proc"));
            return st.type() == FileStat.Type.DIRECTORY && st.size() == 0 ? st.device() : FileStat.UNKNOWN_DEVICE;
        } catch (IOException | RuntimeException e) {
            return FileStat.UNKNOWN_DEVICE;
        }
    }

    private static ThreadFactory workers() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "vigil-scan-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
