package dev.vigil.daemon;

import dev.vigil.engine.Detection;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.io.FileInput;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SCAN, CONTSCAN, MULTISCAN and ALLMATCHSCAN of a path on the daemon's machine, with clamd's walk and replies: the
 * path's trailing slashes are dropped; symbolic links are skipped unless FollowFileSymlinks/FollowDirectorySymlinks
 * ask otherwise; in a directory, files come before subdirectories and each group in inode order; empty files are
 * clean; FOUND and ERROR lines name each file; SCAN and ALLMATCHSCAN
 * stop at the first infected file; and the final {@code PATH: OK} comes only when nothing was infected and not
 * everything failed.
 */
final class PathScan {
    enum Mode { SCAN, CONTSCAN, MULTISCAN, ALLMATCH }

    /** Where the replies go (the connection, which numbers them inside a session). */
    interface Replies {
        void virus(String path, String name) throws IOException;

        void single(String path, String status) throws IOException;

        void reply(String path, String message, String status) throws IOException;
    }

    static final String LIMIT_PREFIX = "Heuristics.Limits.Exceeded.";
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;

    private final Replies out;
    private final Scanner scanner;
    private final Database db;
    private final ClamdConfig config;
    private final DaemonLog log;
    private Mode mode;
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger infected = new AtomicInteger();
    private boolean stop;
    private Semaphore outstanding;
    private int outstandingCapacity;
    private volatile IOException replyFailure;

    PathScan(Replies out, Scanner scanner, Database db, ClamdConfig config, DaemonLog log, Mode mode) {
        this.out = out;
        this.log = log;
        this.scanner = scanner;
        this.db = db;
        this.config = config;
        this.mode = mode;
    }

    private enum Kind { REGULAR, DIRECTORY, LINK, SPECIAL }

    private record Entry(Path path, Kind kind, long size, long inode) {
    }

    void run(String argument) throws IOException, InterruptedException {
        // clamd cuts trailing slashes off its copy of the argument, which the final OK names, and walks the path
        // with leading double slashes collapsed, which every other reply names
        String argumentTrimmed = trimTrailing(argument);
        String display = collapseLeading(argumentTrimmed);
        Path path = Path.of(display);
        if (mode == Mode.MULTISCAN && !Files.isDirectory(path)) {
            mode = Mode.CONTSCAN; // clamd uses MULTISCAN only for directories
        }
        boolean countTop = mode != Mode.MULTISCAN;
        Entry top;
        try {
            top = classify(path);
        } catch (IOException e) {
            total.incrementAndGet();
            errors.incrementAndGet();
            out.reply(display, "File path check failure:", Errno.text(e) + ". ERROR");
            finish(argumentTrimmed);
            return;
        }
        switch (top.kind()) {
            case LINK -> total.incrementAndGet();
            case SPECIAL -> {
                total.incrementAndGet();
                out.reply(display, "Not supported file type", "ERROR");
            }
            case DIRECTORY -> {
                if (countTop) {
                    total.incrementAndGet();
                }
                if (mode == Mode.MULTISCAN) {
                    outstandingCapacity = Math.max(2, scanner.maxThreads() * 2);
                    outstanding = new Semaphore(outstandingCapacity);
                }
                walk(display, path, config.maxDirectoryRecursion() == 0 ? Integer.MAX_VALUE
                        : config.maxDirectoryRecursion());
                if (outstanding != null) {
                    outstanding.acquire(outstandingCapacity); // every file job has finished
                }
                if (replyFailure != null) {
                    throw replyFailure;
                }
            }
            case REGULAR -> visitFile(display, top);
        }
        finish(argumentTrimmed);
    }

    private void finish(String display) throws IOException {
        int t = total.get();
        int e = errors.get();
        int ok = t - e - infected.get();
        if (ok + e == t && e != t) {
            out.single(display, "OK");
        }
    }

    static String trimTrailing(String p) {
        if (p.length() < 2) {
            return p;
        }
        int end = p.length();
        while (end > 1 && p.charAt(end - 1) == '/') {
            end--;
        }
        return p.substring(0, end);
    }

    static String collapseLeading(String p) {
        int start = 0;
        while (start + 1 < p.length() && p.charAt(start) == '/' && p.charAt(start + 1) == '/') {
            start++;
        }
        return p.substring(start);
    }

    private Entry classify(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,ino", LinkOption.NOFOLLOW_LINKS);
        int type = (Integer) a.get("mode") & S_IFMT;
        if (type == S_IFLNK) {
            if (!config.followDirectorySymlinks() && !config.followFileSymlinks()) {
                return new Entry(p, Kind.LINK, 0, 0);
            }
            Map<String, Object> t = Files.readAttributes(p, "unix:mode,size,ino");
            int target = (Integer) t.get("mode") & S_IFMT;
            if (target == S_IFDIR && config.followDirectorySymlinks()) {
                return new Entry(p, Kind.DIRECTORY, 0, (Long) t.get("ino"));
            }
            if (target == S_IFREG && config.followFileSymlinks()) {
                return new Entry(p, Kind.REGULAR, (Long) t.get("size"), (Long) t.get("ino"));
            }
            return new Entry(p, Kind.LINK, 0, 0);
        }
        Kind kind = type == S_IFDIR ? Kind.DIRECTORY : type == S_IFREG ? Kind.REGULAR : Kind.SPECIAL;
        return new Entry(p, kind, (Long) a.get("size"), (Long) a.get("ino"));
    }

    private void walk(String display, Path dir, int depth) throws IOException, InterruptedException {
        if (depth < 0) {
            total.incrementAndGet(); // clamd logs the skipped directory and counts it
            return;
        }
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path child : ds) {
                String childDisplay = childDisplay(display, child);
                Entry e;
                try {
                    e = classify(child);
                } catch (IOException ex) {
                    total.incrementAndGet();
                    errors.incrementAndGet();
                    out.reply(childDisplay, "File path check failure:", Errno.text(ex) + ". ERROR");
                    continue;
                }
                switch (e.kind()) {
                    case LINK -> {
                        // skipped without a word; clamd counts it only when it follows some links
                        if (config.followDirectorySymlinks() || config.followFileSymlinks()) {
                            total.incrementAndGet();
                        }
                    }
                    case SPECIAL -> total.incrementAndGet();
                    default -> entries.add(e);
                }
            }
        } catch (IOException e) {
            total.incrementAndGet();
            errors.incrementAndGet();
            out.reply(display, "File path check failure:", Errno.text(e) + ". ERROR");
            return;
        }
        entries.sort(Comparator.comparingInt((Entry e) -> e.kind() == Kind.DIRECTORY ? 1 : 0)
                .thenComparingLong(Entry::inode));
        for (Entry e : entries) {
            if (stop || replyFailure != null) {
                return;
            }
            String childDisplay = childDisplay(display, e.path());
            if (e.kind() == Kind.DIRECTORY) {
                walk(childDisplay, e.path(), depth - 1);
            } else {
                visitFile(childDisplay, e);
            }
        }
    }

    private static String childDisplay(String dirDisplay, Path child) {
        String name = child.getFileName().toString();
        return dirDisplay.equals("/") ? "/" + name : dirDisplay + "/" + name;
    }

    private void visitFile(String display, Entry e) throws IOException, InterruptedException {
        if (mode == Mode.MULTISCAN) {
            total.incrementAndGet();
            if (e.size() == 0) {
                return;
            }
            outstanding.acquire();
            Thread.ofVirtual().name("vigild-multiscan").start(() -> {
                try {
                    scanFile(display, e.path());
                } catch (IOException failure) {
                    replyFailure = failure;
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                } finally {
                    outstanding.release();
                }
            });
            return;
        }
        total.incrementAndGet();
        if (e.size() == 0) {
            return; // nothing to match: clean (clamd 1.4.6 answers "OK" for an empty file, without "Empty file")
        }
        scanFile(display, e.path());
    }

    private void scanFile(String display, Path path) throws IOException, InterruptedException {
        ScanResult r;
        try (FileInput in = FileInput.open(path)) {
            r = scanner.scan(db, in, mode == Mode.ALLMATCH);
        } catch (AccessDeniedException ex) {
            errors.incrementAndGet();
            out.reply(display, "Access denied.", "ERROR");
            return;
        } catch (IOException ex) {
            errors.incrementAndGet();
            out.reply(display, "Can't open file or directory", "ERROR");
            stopIfScan();
            return;
        } catch (RuntimeException | StackOverflowError ex) {
            errors.incrementAndGet();
            out.reply(display, "Can't read file", "ERROR");
            stopIfScan();
            return;
        }
        List<String> names = detectionNames(r, config.alertExceedsMax(), mode == Mode.ALLMATCH);
        if (names.isEmpty()) {
            if (config.logClean()) {
                log.info(display + ": OK");
            }
            return;
        }
        if (mode == Mode.ALLMATCH) {
            for (String n : names) {
                infected.incrementAndGet();
                out.virus(display, n);
            }
        } else {
            infected.incrementAndGet();
            out.virus(display, names.get(0));
        }
        stopIfScan();
    }

    private void stopIfScan() {
        if (mode == Mode.SCAN || mode == Mode.ALLMATCH) {
            stop = true;
        }
    }

    /**
     * The names to report for a result: its detections, and with AlertExceedsMax the limit that cut the scan short
     * (clamd reports it as Heuristics.Limits.Exceeded.&lt;limit&gt; when nothing else was found, or besides all
     * matches).
     */
    static List<String> detectionNames(ScanResult r, boolean alertExceedsMax, boolean allMatch) {
        List<String> names = new ArrayList<>();
        for (Detection d : r.detections()) {
            names.add(d.name());
        }
        if (alertExceedsMax && r.limitExceeded() != null && (names.isEmpty() || allMatch)
                && names.stream().noneMatch(n -> n.startsWith(LIMIT_PREFIX))) {
            names.add(LIMIT_PREFIX + r.limitExceeded());
        }
        return names;
    }
}
