package dev.vigil.cli;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.SignatureKind;
import dev.vigil.yara.RuleMatch;
import dev.vigil.yara.YaraRules;
import dev.vigil.yara.YaraScanOptions;
import dev.vigil.cli.Event.FileOutcome;
import dev.vigil.cli.Event.FileOutcome.Kind;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Scans one file the way clamscan's scanfile() treats it: files on /proc are excluded, empty files are not scanned,
 * unreadable ones are "Access denied", files over MaxFileSize are passed as clean (or flagged with
 * --alert-exceeds-max), and any failure is confined to this file. Thread-safe: called from the scan pool.
 */
final class FileScanner {
    static final String LIMIT_PREFIX = "Heuristics.Limits.Exceeded.";

    private final Engine engine;
    private final ScanOptions options;
    private final boolean alertExceedsMax;
    private final long procDevice;
    private final LongConsumer onDone;
    private YaraRules yara;

    /**
     * @param procDevice the device number of a mounted /proc, whose files are never scanned, or
     *                   {@link FileStat#UNKNOWN_DEVICE}
     * @param onDone     told the size of every file dealt with (for progress), or null
     */
    FileScanner(Engine engine, ScanOptions options, boolean alertExceedsMax, long procDevice, LongConsumer onDone) {
        this.engine = engine;
        this.options = options;
        this.alertExceedsMax = alertExceedsMax;
        this.procDevice = procDevice;
        this.onDone = onDone;
    }

    /** Also scans every file with these YARA rules (null: none); set before scanning starts. */
    FileScanner withYara(YaraRules rules) {
        this.yara = rules;
        return this;
    }

    FileOutcome scanFile(String display, Path path) {
        return done(scanFileOnce(display, path));
    }

    /** Scans standard input, which clamscan always counts as one scanned file named "stdin". */
    FileOutcome scanStdin(InputStream in) {
        return done(scanStdinOnce(in));
    }

    private FileOutcome done(FileOutcome outcome) {
        if (onDone != null) {
            onDone.accept(outcome.size());
        }
        return outcome;
    }

    private FileOutcome scanFileOnce(String display, Path path) {
        FileStat st = null;
        try {
            st = FileStat.stat(path);
        } catch (IOException vanished) {
            // clamscan carries on without a stat and lets the open fail; so do we.
        }
        long size = st == null ? 0 : st.size();
        if (st != null) {
            if (procDevice != FileStat.UNKNOWN_DEVICE && st.device() == procDevice) {
                return FileOutcome.skipped(display, Kind.EXCLUDED_PROC, size);
            }
            if (size == 0) {
                return FileOutcome.skipped(display, Kind.EMPTY, 0);
            }
        }
        long readBlocks = size / ScanStats.BLOCK;
        if (st != null && !Files.isReadable(path)) {
            return FileOutcome.failed(display, Kind.ACCESS_DENIED, "Access denied", size, readBlocks);
        }
        long maxFileSize = options.limits().maxFileSize();
        if (maxFileSize > 0 && size > maxFileSize) {
            // Over the limit: not opened at all, reported clean unless asked to alert (as clamscan).
            return limited(display, size, readBlocks, "MaxFileSize");
        }
        ScanResult r;
        try {
            r = withYaraDetections(engine.scan(path, options), path);
        } catch (FileSystemException e) {
            return FileOutcome.failed(display, Kind.OPEN_FAILED, Errors.strerror(e), size, readBlocks);
        } catch (IOException e) {
            return FileOutcome.failed(display, Kind.SCAN_ERROR, "Can't read file (" + Errors.strerror(e) + ")",
                    size, readBlocks);
        } catch (RuntimeException | StackOverflowError e) {
            return FileOutcome.failed(display, Kind.SCAN_ERROR, "Internal error (" + e + ")", size, readBlocks);
        }
        return outcome(display, r, readBlocks);
    }

    /**
     * Adds the YARA rules' matches after the engine's detections, named as clamscan names them; without --allmatch
     * only when the engine found nothing, and only the first.
     */
    private ScanResult withYaraDetections(ScanResult r, Path path) throws IOException {
        if (yara == null || (!r.detections().isEmpty() && !options.allMatch())) {
            return r;
        }
        List<RuleMatch> matches = yara.scan(path, YaraScanOptions.DEFAULT).matches();
        if (matches.isEmpty()) {
            return r;
        }
        List<Detection> all = new ArrayList<>(r.detections());
        for (RuleMatch m : matches) {
            long offset = m.strings().isEmpty() ? -1 : m.strings().get(0).offset();
            all.add(new Detection(YaraSignatures.detectionName(m.name()), SignatureKind.YARA, offset));
            if (!options.allMatch()) {
                break;
            }
        }
        return new ScanResult(all, r.fileType(), r.size(), r.bytesScanned(), r.limitExceeded());
    }

    private FileOutcome scanStdinOnce(InputStream in) {
        CountingInputStream counted = new CountingInputStream(in);
        ScanResult r;
        try {
            r = engine.scan(counted, options);
            counted.transferTo(OutputStream.nullOutputStream()); // read to the end, like clamscan, for the counts
        } catch (IOException e) {
            return FileOutcome.failed("stdin", Kind.SCAN_ERROR, "Can't read file (" + Errors.strerror(e) + ")",
                    counted.count, counted.count / ScanStats.BLOCK);
        } catch (RuntimeException | StackOverflowError e) {
            return FileOutcome.failed("stdin", Kind.SCAN_ERROR, "Internal error (" + e + ")",
                    counted.count, counted.count / ScanStats.BLOCK);
        }
        return outcome("stdin", r, counted.count / ScanStats.BLOCK);
    }

    private FileOutcome limited(String display, long size, long readBlocks, String limit) {
        if (alertExceedsMax) {
            List<Detection> d = List.of(new Detection(LIMIT_PREFIX + limit, SignatureKind.HEURISTIC, -1));
            return new FileOutcome(display, Kind.INFECTED, d, size, null, limit, null, readBlocks, 0);
        }
        return new FileOutcome(display, Kind.CLEAN, List.of(), size, null, limit, null, readBlocks, 0);
    }

    private FileOutcome outcome(String display, ScanResult r, long readBlocks) {
        List<Detection> detections = r.detections();
        if (alertExceedsMax && r.limitExceeded() != null
                && (detections.isEmpty() || options.allMatch())
                && detections.stream().noneMatch(d -> d.name().startsWith(LIMIT_PREFIX))) {
            detections = new ArrayList<>(detections);
            detections.add(new Detection(LIMIT_PREFIX + r.limitExceeded(), SignatureKind.HEURISTIC, -1));
        }
        Kind kind = detections.isEmpty() ? Kind.CLEAN : Kind.INFECTED;
        String type = r.fileType() == null ? null : r.fileType().name();
        return new FileOutcome(display, kind, detections, r.size(), type, r.limitExceeded(), null, readBlocks,
                r.bytesScanned() / ScanStats.BLOCK);
    }

    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
