package dev.vigil.daemon;

import dev.vigil.engine.io.FileInput;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Collects the bytes of an INSTREAM: in memory up to {@link #MEMORY_LIMIT}, then in a temporary file readable only by
 * this user (clamd always spools to {@code TemporaryDirectory}). The file is deleted on {@link #close()}.
 */
final class StreamSpool implements AutoCloseable {
    static final int MEMORY_LIMIT = 8 << 20;

    private final Path tempDir;
    /** Where the first in-memory array comes from and goes back to, or null. */
    private final BufferPool pool;
    private byte[] memory;
    private int used;
    private Path file;
    private FileChannel out;
    private long size;
    private FileInput input;

    StreamSpool(Path tempDir) {
        this(tempDir, null);
    }

    /** A spool whose first {@code pool.size()} bytes go into an array of {@code pool}, given back on close. */
    StreamSpool(Path tempDir, BufferPool pool) {
        this.tempDir = tempDir;
        this.pool = pool;
        this.memory = pool != null ? pool.take() : new byte[8192];
    }

    /** Gives the pooled array back if {@code array} is it (its length says so); the caller drops the array. */
    private void release(byte[] array) {
        if (pool != null) {
            pool.give(array);
        }
    }

    void write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (out == null && used + (long) n <= MEMORY_LIMIT) {
            if (used + n > memory.length) {
                byte[] old = memory;
                memory = Arrays.copyOf(memory, (int) Math.min(MEMORY_LIMIT, Math.max(used + (long) n,
                        memory.length * 2L)));
                release(old);
            }
            src.get(memory, used, n);
            used += n;
        } else {
            if (out == null) {
                spill();
            }
            while (src.hasRemaining()) {
                out.write(src);
            }
        }
        size += n;
    }

    private void spill() throws IOException {
        var perms = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
        file = tempDir == null ? Files.createTempFile("vigild-", ".instream", perms)
                : Files.createTempFile(tempDir, "vigild-", ".instream", perms);
        out = FileChannel.open(file, StandardOpenOption.WRITE);
        out.write(ByteBuffer.wrap(memory, 0, used));
        release(memory);
        memory = null;
    }

    long size() {
        return size;
    }

    /** The collected bytes as scan input; valid until {@link #close()}. */
    ScanInput input() throws IOException {
        if (out == null) {
            return new ArrayInput(memory, used);
        }
        if (input == null) {
            input = FileInput.open(file);
        }
        return input;
    }

    @Override
    public void close() {
        try {
            if (input != null) {
                input.close();
            }
            if (out != null) {
                out.close();
            }
        } catch (IOException ignored) {
            // closing a temporary file cannot lose anything that matters
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // nothing more can be done; the name is random and the file private
                }
            }
            release(memory);
            memory = null;
        }
    }

    /** The first {@code length} bytes of an array. */
    private record ArrayInput(byte[] data, int length) implements ScanInput {
        @Override
        public long size() {
            return length;
        }

        @Override
        public int read(long position, byte[] dst, int offset, int len) {
            if (position >= length) {
                return 0;
            }
            int n = (int) Math.min(len, length - position);
            System.arraycopy(data, (int) position, dst, offset, n);
            return n;
        }
    }
}
