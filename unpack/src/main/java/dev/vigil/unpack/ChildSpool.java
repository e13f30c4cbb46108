package dev.vigil.unpack;

import dev.vigil.engine.io.FileInput;
import dev.vigil.engine.io.ScanInput;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads one extracted object into something the engine can scan: memory for small objects, a private temporary
 * file beyond {@link #IN_MEMORY} bytes. Never reads more than the cap it is given plus one byte (to tell that the
 * object is longer).
 */
final class ChildSpool implements Closeable {
    /** Objects up to this size stay in memory: one such buffer per recursion level at most. */
    static final int IN_MEMORY = 1 << 20;
    private static final int FIRST_BUFFER = 8 << 10;

    private final ScanInput input;
    private final Path file;
    private final long size;
    private final boolean overflow;

    private ChildSpool(ScanInput input, Path file, long size, boolean overflow) {
        this.input = input;
        this.file = file;
        this.size = size;
        this.overflow = overflow;
    }

    interface Clock {
        /** Throws nothing; answers whether time is up, so that reading a bomb stops at the deadline. */
        boolean expired();
    }

    interface TempDir {
        Path newFile() throws IOException;
    }

    /**
     * Reads {@code data} up to {@code cap} bytes (0 or negative: no cap). A longer object is cut at the cap, as
     * ClamAV's extractors trim their output, and the result says that it was.
     */
    static ChildSpool read(InputStream data, long cap, TempDir temp, Clock clock) throws IOException {
        long limit = cap > 0 ? cap : Long.MAX_VALUE;
        int memoryCap = (int) Math.min(IN_MEMORY, limit);
        // Grow the buffer as data comes: most children are small, and a full-size buffer each would churn memory.
        byte[] buf = new byte[Math.min(memoryCap, FIRST_BUFFER)];
        int n = 0;
        while (true) {
            int r = data.read(buf, n, buf.length - n);
            if (r < 0) {
                return new ChildSpool(ScanInput.of(Arrays.copyOf(buf, n)), null, n, false);
            }
            n += r;
            if (n == buf.length) {
                if (buf.length == memoryCap) {
                    break;
                }
                buf = Arrays.copyOf(buf, Math.min(memoryCap, buf.length * 4));
            }
        }
        if (n == limit) {
            return new ChildSpool(ScanInput.of(buf), null, n, data.read() >= 0);
        }
        Path file = temp.newFile();
        boolean keep = false;
        try {
            long total = n;
            boolean cut = false;
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(buf, 0, n);
                int r;
                while ((r = data.read(buf)) >= 0) {
                    int take = (int) Math.min(r, limit - total);
                    out.write(buf, 0, take);
                    total += take;
                    if (total == limit) {
                        cut = take < r || data.read() >= 0;
                        break;
                    }
                    if (clock.expired()) {
                        cut = true;
                        break;
                    }
                }
            }
            ChildSpool spool = new ChildSpool(FileInput.open(file), file, total, cut);
            keep = true;
            return spool;
        } finally {
            if (!keep) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Whether the object was longer than the cap (or time ran out) and only its beginning is held. */
    boolean truncated() {
        return overflow;
    }

    long size() {
        return size;
    }

    ScanInput input() {
        return input;
    }

    @Override
    public void close() throws IOException {
        try {
            if (input != null) {
                input.close();
            }
        } finally {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }
}
