package dev.vigil.unpack;

import dev.vigil.engine.Engine;
import dev.vigil.engine.io.FileInput;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Scans an object and, recursively, everything its containers hold, as clamscan does: the object is scanned by the
 * engine first; if an unpacker accepts it, each child is then scanned the same way, depth first, with the types of
 * the containers above it known to the engine ({@code Container:} and {@code Intermediates:} in logical signatures).
 *
 * <p>Immutable and thread-safe: every scan keeps its state in its own objects. Memory stays bounded whatever sizes
 * the input declares: a child larger than {@value ChildSpool#IN_MEMORY} bytes is spooled to a file readable only by
 * this user inside a private temporary directory, which is removed when the scan ends.
 */
public final class RecursiveScanner {
    private final Engine engine;
    private final List<Unpacker> unpackers;
    private final UnpackLimits limits;
    private final Path tempRoot;
    private final ContainerRules containerRules;

    public RecursiveScanner(Engine engine, List<Unpacker> unpackers, UnpackLimits limits) {
        this(engine, unpackers, limits, null);
    }

    /**
     * @param tempRoot where the private temporary directory of each scan is created; null for the JVM's default
     */
    public RecursiveScanner(Engine engine, List<Unpacker> unpackers, UnpackLimits limits, Path tempRoot) {
        this.engine = Objects.requireNonNull(engine);
        this.unpackers = List.copyOf(unpackers);
        this.limits = Objects.requireNonNull(limits);
        this.tempRoot = tempRoot;
        this.containerRules = new ContainerRules(engine.containerSignatures());
    }

    /** A scanner with {@link Unpackers#defaults()} and clamd's default limits. */
    public static RecursiveScanner withDefaults(Engine engine) {
        return new RecursiveScanner(engine, Unpackers.defaults(), UnpackLimits.DEFAULT);
    }

    public Engine engine() {
        return engine;
    }

    public List<Unpacker> unpackers() {
        return unpackers;
    }

    public UnpackLimits limits() {
        return limits;
    }

    public DeepScanResult scan(Path file, DeepScanOptions options) throws IOException {
        try (FileInput in = FileInput.open(file)) {
            Path name = file.getFileName();
            return scan(in, name == null ? file.toString() : name.toString(), options);
        }
    }

    public DeepScanResult scan(byte[] data, String name, DeepScanOptions options) {
        try {
            return scan(ScanInput.of(data), name, options);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory input cannot fail", e);
        }
    }

    /**
     * Scans a stream: up to {@code MaxFileSize} bytes are read (held in memory up to a small threshold, spooled to
     * a private temporary file beyond it); a longer stream is scanned no further and reports {@code MaxFileSize}.
     */
    public DeepScanResult scan(InputStream stream, String name, DeepScanOptions options) throws IOException {
        DeepScan scan = new DeepScan(this, options);
        try {
            return scan.runStream(stream, name);
        } finally {
            scan.cleanUp();
        }
    }

    /** Scans any random-access input; the caller keeps ownership of it. */
    public DeepScanResult scan(ScanInput input, String name, DeepScanOptions options) throws IOException {
        DeepScan scan = new DeepScan(this, options);
        try {
            return scan.run(input, name);
        } finally {
            scan.cleanUp();
        }
    }

    ContainerRules containerRules() {
        return containerRules;
    }

    Path tempRoot() {
        return tempRoot;
    }
}
