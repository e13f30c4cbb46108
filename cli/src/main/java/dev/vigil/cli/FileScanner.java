package dev.vigil.cli;

import dev.vigil.engine.Detection;
import dev.vigil.engine.io.CountingInputStream;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.SignatureKind;
import dev.vigil.unpack.DeepDetection;
import dev.vigil.unpack.DeepScanOptions;
import dev.vigil.unpack.DeepScanResult;
import dev.vigil.unpack.RecursiveScanner;
import dev.vigil.cli.Event.FileOutcome;
import dev.vigil.cli.Event.FileOutcome.Kind;

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
 * --alert-exceeds-max), and any failure is confined to this file. What containers hold is scanned too, as clamscan
 * does (the {@link RecursiveScanner}). Thread-safe: called from the scan pool.
 */
final class FileScanner {
    static final String LIMIT_PREFIX = "Heuristics.Limits.Exceeded.";

    private final RecursiveScanner scanner;
    private final DeepScanOptions deepOptions;
    private final ScanOptions options;
    private final boolean alertExceedsMax;
    private final long procDevice;
    private final LongConsumer onDone;

    /**
     * @param procDevice the device number of a mounted /proc, whose files are never scanned, or
     *                   {@link FileStat#UNKNOWN_DEVICE}
     * @param onDone     told the size of every file dealt with (for progress), or null
     */
    FileScanner(RecursiveScanner scanner, DeepScanOptions deepOptions, ScanOptions options, long procDevice,
                LongConsumer onDone) {
        this.scanner = scanner;
        this.deepOptions = deepOptions;
        this.options = options;
        this.alertExceedsMax = deepOptions.alertExceedsMax();
        this.procDevice = procDevice;
        this.onDone = onDone;
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
        DeepScanResult r;
        try {
            r = scanner.scan(path, deepOptions);
        } catch (FileSystemException e) {
            return FileOutcome.failed(display, Kind.OPEN_FAILED, Errors.strerror(e), size, readBlocks);
        } catch (IOException e) {
            return FileOutcome.failed(display, Kind.SCAN_ERROR, "Can't read file (" + Errors.strerror(e) + ")",
                    size, readBlocks);
        } catch (RuntimeException | StackOverflowError e) {
            return FileOutcome.failed(display, Kind.SCAN_ERROR, "Internal error (" + e + ")", size, readBlocks);
        }
        return outcome(display, r, size, readBlocks);
    }

    private FileOutcome scanStdinOnce(InputStream in) {
        CountingInputStream counted = new CountingInputStream(in);
        DeepScanResult r;
        try {
            r = scanner.scan(counted, "stdin", deepOptions);
            counted.transferTo(OutputStream.nullOutputStream()); // read to the end, like clamscan, for the counts
        } catch (IOException e) {
            return FileOutcome.failed("stdin", Kind.SCAN_ERROR, "Can't read file (" + Errors.strerror(e) + ")",
                    counted.count(), counted.count() / ScanStats.BLOCK);
        } catch (RuntimeException | StackOverflowError e) {
            return FileOutcome.failed("stdin", Kind.SCAN_ERROR, "Internal error (" + e + ")",
                    counted.count(), counted.count() / ScanStats.BLOCK);
        }
        return outcome("stdin", r, counted.count(), counted.count() / ScanStats.BLOCK);
    }

    private FileOutcome limited(String display, long size, long readBlocks, String limit) {
        if (alertExceedsMax) {
            List<Detection> d = List.of(new Detection(LIMIT_PREFIX + limit, SignatureKind.HEURISTIC, -1));
            return new FileOutcome(display, Kind.INFECTED, d, size, null, limit, null, readBlocks, 0);
        }
        return new FileOutcome(display, Kind.CLEAN, List.of(), size, null, limit, null, readBlocks, 0);
    }

    private FileOutcome outcome(String display, DeepScanResult r, long size, long readBlocks) {
        // The recursive scanner raises the limit and encryption heuristics itself (as asked in deepOptions).
        List<Detection> detections = new ArrayList<>(r.detections().size());
        List<String> inner = new ArrayList<>(r.detections().size());
        for (DeepDetection d : r.detections()) {
            detections.add(d.detection());
            inner.add(String.join("/", d.path().subList(1, d.path().size())));
        }
        Kind kind = detections.isEmpty() ? Kind.CLEAN : Kind.INFECTED;
        String type = r.fileType() == null ? null : r.fileType().name();
        return new FileOutcome(display, kind, detections, size, type, r.limitExceeded(), null, readBlocks,
                r.dataScanned() / ScanStats.BLOCK, inner);
    }
}
