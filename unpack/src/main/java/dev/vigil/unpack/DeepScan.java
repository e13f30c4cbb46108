package dev.vigil.unpack;

import dev.vigil.engine.Detection;
import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.SignatureKind;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The state of one recursive scan: counters, deadline, findings and its private temporary directory. */
final class DeepScan {
    private static final Map<String, String> ENCRYPTED_SUFFIX = Map.of("zip", "Zip", "rar", "RAR", "7z", "7Zip",
            "pdf", "PDF", "ole2", "OLE2", "egg", "EGG");

    private final RecursiveScanner scanner;
    private final DeepScanOptions options;
    private final UnpackLimits limits;
    private final long deadline;

    private final List<DeepDetection> detections = new ArrayList<>();
    private final Set<String> heuristicNames = new HashSet<>();
    private final List<DeepScanResult.LimitHit> limitHits = new ArrayList<>();
    private final List<List<String>> encrypted = new ArrayList<>();
    private final List<DeepScanResult.UnpackError> errors = new ArrayList<>();
    private boolean stop;
    private int objects;
    private int extracted;
    private long extractedBytes;
    private long dataScanned;
    /** ClamAV charges the top-level object to MaxScanSize too. */
    private long topSize;
    /**
     * Set once an object was skipped for MaxScanSize: nothing more is extracted (ClamAV behaves so, and without it
     * every further sibling of a fan-out bomb would be decompressed up to the budget only to be skipped).
     */
    private boolean scanSizeExhausted;
    private Path tempDir;

    DeepScan(RecursiveScanner scanner, DeepScanOptions options) {
        this.scanner = scanner;
        this.options = options;
        this.limits = scanner.limits();
        Duration t = limits.maxScanTime();
        this.deadline = t == null || t.isZero() || t.isNegative() ? 0 : System.nanoTime() + t.toNanos();
    }

    DeepScanResult run(ScanInput input, String name) throws IOException {
        topSize = input.size();
        FileType type = scanObject(input, List.of(name), List.of());
        return result(type);
    }

    DeepScanResult runStream(InputStream stream, String name) throws IOException {
        try (ChildSpool spool = ChildSpool.read(stream, limits.maxFileSize(), this::newTempFile, this::expired)) {
            if (spool.truncated()) {
                limit("MaxFileSize", List.of(name), "stream longer than " + limits.maxFileSize()
                        + " bytes; its beginning is scanned");
            }
            return run(spool.input(), name);
        }
    }

    private DeepScanResult result(FileType type) {
        // Heuristic alerts come after signature detections, as clamscan prints them.
        List<DeepDetection> reported = new ArrayList<>(detections.size());
        detections.stream().filter(d -> d.kind() != SignatureKind.HEURISTIC).forEach(reported::add);
        detections.stream().filter(d -> d.kind() == SignatureKind.HEURISTIC).forEach(reported::add);
        if (!options.allMatch() && !detections.isEmpty()) {
            // Heuristic alerts are ClamAV's "potentially unwanted": a signature detection takes precedence.
            reported = List.of(detections.stream().filter(d -> d.kind() != SignatureKind.HEURISTIC).findFirst()
                    .orElse(detections.getFirst()));
        }
        return new DeepScanResult(reported, type, objects, extractedBytes, dataScanned, limitHits, encrypted, errors);
    }

    /** Scans one object with the engine, then what it contains; returns its type. */
    private FileType scanObject(ScanInput input, List<String> path, List<String> chain) throws IOException {
        long left = timeLeftNanos();
        if (left < 0) {
            limit("MaxScanTime", path, "scan time exhausted");
            stop = true;
            return FileType.ANY;
        }
        objects++;
        ScanLimits engineLimits = limits.engineLimits(
                left == Long.MAX_VALUE ? Duration.ZERO : Duration.ofNanos(Math.max(1, left)));
        ScanOptions engineOptions = new ScanOptions(options.allMatch(), engineLimits, chain);
        ScanResult r = scanner.engine().scan(input, engineOptions);
        dataScanned += r.bytesScanned();
        for (Detection d : r.detections()) {
            detection(d.name(), d.kind(), d.offset(), path, chain);
            if (stop) {
                return r.fileType();
            }
        }
        if (r.limitExceeded() != null) {
            limit(r.limitExceeded(), path, "engine stopped early");
            if ("MaxScanTime".equals(r.limitExceeded())) {
                stop = true;
            }
            if (!"MaxScanSize".equals(r.limitExceeded())) {
                return r.fileType();
            }
        }
        if (!options.scanArchives() || stop) {
            return r.fileType();
        }
        // Embedded-object finders first (ClamAV's raw scan comes before format parsing), then the format's unpacker.
        for (Unpacker u : scanner.unpackers()) {
            if (u.alongside() && !stop && accepts(u, r.fileType(), input)) {
                unpackWith(u, input, path, chain, r.fileType());
            }
        }
        // Every unpacker that accepts the type gets its turn, in order: an executable is offered to each packer
        // in turn (each recognises its own), as ClamAV tries its unpackers one after another.
        for (Unpacker u : scanner.unpackers()) {
            if (!u.alongside() && !stop && accepts(u, r.fileType(), input)) {
                unpackWith(u, input, path, chain, r.fileType());
            }
        }
        return r.fileType();
    }

    private static boolean accepts(Unpacker u, FileType type, ScanInput input) {
        try {
            return u.accepts(type, input);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void unpackWith(Unpacker u, ScanInput input, List<String> path, List<String> chain, FileType type) {
        Level level = new Level(path, append(chain, type.name()), u.name(), input.size());
        try {
            u.unpack(input, level);
        } catch (IOException | RuntimeException e) {
            errors.add(new DeepScanResult.UnpackError(path, u.name(), describe(e)));
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private void detection(String name, SignatureKind kind, long offset, List<String> path, List<String> chain) {
        if (kind == SignatureKind.HEURISTIC && !heuristicNames.add(name)) {
            return;
        }
        detections.add(new DeepDetection(name, kind, offset, path, chain));
        if (kind != SignatureKind.HEURISTIC) {
            if (!options.allMatch()) {
                stop = true;
            }
        }
    }

    private void limit(String name, List<String> path, String detail) {
        limitHits.add(new DeepScanResult.LimitHit(name, path, detail));
        if (options.alertExceedsMax()) {
            detection("Heuristics.Limits.Exceeded." + name, SignatureKind.HEURISTIC, -1, path, List.of());
        }
    }

    private long timeLeftNanos() {
        return deadline == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
    }

    private boolean expired() {
        return deadline != 0 && System.nanoTime() - deadline > 0;
    }

    private Path newTempFile() throws IOException {
        if (tempDir == null) {
            Path root = scanner.tempRoot() != null ? scanner.tempRoot()
                    : Path.of(System.getProperty("java.io.tmpdir"));
            try {
                tempDir = Files.createTempDirectory(root, "vigil-unpack-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                tempDir = Files.createTempDirectory(root, "vigil-unpack-");
            }
        }
        try {
            return Files.createTempFile(tempDir, "child-", ".bin",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(tempDir, "child-", ".bin");
        }
    }

    /** Removes the temporary directory and anything left in it. */
    void cleanUp() throws IOException {
        if (tempDir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(tempDir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        tempDir = null;
    }

    private static List<String> append(List<String> list, String element) {
        List<String> out = new ArrayList<>(list.size() + 1);
        out.addAll(list);
        out.add(element);
        return List.copyOf(out);
    }

    /** The sink one container's unpacker delivers to. */
    private final class Level implements ChildSink {
        private final List<String> containerPath;
        private final List<String> chain;
        private final String unpacker;
        private final long containerSize;

        Level(List<String> containerPath, List<String> chain, String unpacker, long containerSize) {
            this.containerPath = containerPath;
            this.chain = chain;
            this.unpacker = unpacker;
            this.containerSize = containerSize;
        }

        @Override
        public boolean metadata(EntryMetadata entry) {
            if (stop) {
                return false;
            }
            ContainerRules rules = scanner.containerRules();
            if (rules.isEmpty()) {
                return true;
            }
            for (String name : rules.matches(chain.getLast(), containerSize, entry)) {
                detection(name, SignatureKind.CONTAINER_METADATA, -1, append(containerPath, entry.name()), chain);
                if (stop) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean child(Child child, InputStream data) throws IOException {
            if (stop) {
                return false;
            }
            List<String> path = append(containerPath, child.name());
            if (expired()) {
                limit("MaxScanTime", path, "scan time exhausted");
                stop = true;
                return false;
            }
            // The top level is depth 0; ClamAV's recursion stack holds MaxRecursion layers.
            if (limits.maxRecursion() > 0 && chain.size() >= limits.maxRecursion()) {
                limit("MaxRecursion", path, "nesting deeper than " + limits.maxRecursion());
                return false;
            }
            if (limits.maxFiles() > 0 && extracted >= limits.maxFiles()) {
                limit("MaxFiles", path, "more than " + limits.maxFiles() + " objects");
                return false;
            }
            long perFile = limits.maxFileSize();
            long cap = perFile > 0 ? perFile : 0;
            long budget = Long.MAX_VALUE;
            if (limits.maxScanSize() > 0) {
                budget = limits.maxScanSize() - topSize - extractedBytes;
                if (budget <= 0 || scanSizeExhausted) {
                    scanSizeExhausted = true;
                    limit("MaxScanSize", path, "scan size budget exhausted");
                    return false;
                }
                cap = cap == 0 ? budget : Math.min(cap, budget);
            }
            try (ChildSpool spool = ChildSpool.read(data, cap, DeepScan.this::newTempFile, DeepScan.this::expired)) {
                if (spool.truncated()) {
                    if (expired()) {
                        limit("MaxScanTime", path, "scan time exhausted while extracting");
                        stop = true;
                        return false;
                    }
                    if (cap == budget && (perFile <= 0 || budget < perFile)) {
                        // Over the remaining MaxScanSize: ClamAV skips the object and opens nothing more here.
                        limit("MaxScanSize", path, "object longer than the " + budget + " bytes left");
                        scanSizeExhausted = true;
                        return false;
                    }
                    // Over MaxFileSize: cut, and the beginning scanned, as ClamAV's extractors trim their output.
                    limit("MaxFileSize", path, "object longer than " + cap + " bytes; its beginning is scanned");
                }
                extracted++;
                extractedBytes += spool.size();
                scanObject(spool.input(), path, chain);
            }
            return !stop;
        }

        @Override
        public void encrypted(String name) {
            List<String> path = append(containerPath, name);
            encrypted.add(path);
            if (options.alertEncrypted()) {
                String suffix = ENCRYPTED_SUFFIX.getOrDefault(unpacker,
                        unpacker.isEmpty() ? "Unknown" : Character.toUpperCase(unpacker.charAt(0)) + unpacker.substring(1));
                detection("Heuristics.Encrypted." + suffix, SignatureKind.HEURISTIC, -1, path, chain);
            }
        }

        @Override
        public void error(String detail) {
            errors.add(new DeepScanResult.UnpackError(containerPath, unpacker, detail));
        }

        @Override
        public void limitExceeded(String limitName, String detail) {
            limit(limitName, containerPath, detail);
        }

        @Override
        public void alert(String heuristicName) {
            detection(heuristicName, SignatureKind.HEURISTIC, -1, containerPath, chain.subList(0, chain.size() - 1));
        }

        @Override
        public UnpackLimits limits() {
            return limits;
        }
    }
}
