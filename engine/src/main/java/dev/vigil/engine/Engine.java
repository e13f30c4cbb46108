package dev.vigil.engine;

import dev.vigil.engine.io.FileInput;
import dev.vigil.engine.ir.ContainerSignature;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.match.CompiledSignatures;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A compiled set of signatures, immutable and safe to share between threads. Every scan keeps its state in its own
 * objects, so replacing the database is a matter of swapping one {@code Engine} reference for another.
 */
public final class Engine {
    /** Streams at most this long are held in memory; longer ones are spooled to a private temporary file. */
    static final int STREAM_MEMORY_LIMIT = 8 << 20;

    private final CompiledSignatures compiled;
    private final int signatureCount;
    private final List<String> sources;
    private final List<ContainerSignature> containerSignatures;

    Engine(EngineBuilder b) {
        this.compiled = b.compile();
        this.signatureCount = b.signatureCount();
        this.sources = List.copyOf(b.sources);
        this.containerSignatures = List.copyOf(b.containerSignatures);
    }

    /** An engine read back from an image ({@link EngineImage}). */
    Engine(CompiledSignatures compiled, int signatureCount, List<String> sources,
           List<ContainerSignature> containerSignatures) {
        this.compiled = compiled;
        this.signatureCount = signatureCount;
        this.sources = List.copyOf(sources);
        this.containerSignatures = List.copyOf(containerSignatures);
    }

    CompiledSignatures compiled() {
        return compiled;
    }

    public static EngineBuilder builder() {
        return new EngineBuilder();
    }

    /** Number of detection signatures (what clamscan reports as "Known viruses"). */
    public int signatureCount() {
        return signatureCount;
    }

    /** Container-metadata signatures ({@code .cdb}), in load order; recursive scanning evaluates them. */
    public List<ContainerSignature> containerSignatures() {
        return containerSignatures;
    }

    /** Descriptions of the loaded signature sources. */
    public List<String> sources() {
        return sources;
    }

    public ScanResult scan(byte[] data) {
        return scan(data, ScanOptions.DEFAULT);
    }

    public ScanResult scan(byte[] data, ScanOptions options) {
        try {
            return scan(ScanInput.of(data), options);
        } catch (IOException e) {
            throw new IllegalStateException("in-memory input cannot fail", e);
        }
    }

    public ScanResult scan(Path file) throws IOException {
        return scan(file, ScanOptions.DEFAULT);
    }

    public ScanResult scan(Path file, ScanOptions options) throws IOException {
        try (FileInput in = FileInput.open(file)) {
            return scan(in, options);
        }
    }

    public ScanResult scan(InputStream stream) throws IOException {
        return scan(stream, ScanOptions.DEFAULT);
    }

    /**
     * Scans a stream. Up to {@value #STREAM_MEMORY_LIMIT} bytes stay in memory; a longer stream is spooled into a
     * temporary file readable only by this user, deleted when the scan ends. At most {@code MaxFileSize} bytes are
     * read; beyond that the result reports the limit.
     */
    public ScanResult scan(InputStream stream, ScanOptions options) throws IOException {
        long cap = options.limits().maxFileSize() > 0 ? options.limits().maxFileSize() : Long.MAX_VALUE;
        byte[] head = stream.readNBytes((int) Math.min(STREAM_MEMORY_LIMIT, cap));
        if (head.length < STREAM_MEMORY_LIMIT || head.length >= cap) {
            boolean truncated = head.length >= cap && stream.read() >= 0;
            ScanResult r = scan(ScanInput.of(head), options);
            return truncated ? withLimit(r, "MaxFileSize") : r;
        }
        Path tmp = TempFiles.create();
        try {
            boolean truncated;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(head);
                long written = head.length;
                byte[] buf = new byte[1 << 16];
                int n;
                truncated = false;
                while ((n = stream.read(buf)) > 0) {
                    if (written + n > cap) {
                        out.write(buf, 0, (int) (cap - written));
                        truncated = true;
                        break;
                    }
                    out.write(buf, 0, n);
                    written += n;
                }
            }
            ScanResult r = scan(tmp, options);
            return truncated ? withLimit(r, "MaxFileSize") : r;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ScanResult withLimit(ScanResult r, String limit) {
        return r.limitExceeded() != null ? r
                : new ScanResult(r.detections(), r.fileType(), r.size(), r.bytesScanned(), limit);
    }

    /** Scans any random-access input; the caller keeps ownership of it. */
    public ScanResult scan(ScanInput input, ScanOptions options) throws IOException {
        return compiled.scan(input, options);
    }
}
