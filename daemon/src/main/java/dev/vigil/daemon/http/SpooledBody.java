package dev.vigil.daemon.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * One upload held until it is scanned: in memory up to a threshold, beyond it in a temporary file readable only by
 * this user. {@link #close()} deletes the file; a failure while spooling deletes it before the exception leaves.
 */
final class SpooledBody implements AutoCloseable {
    private final byte[] memory;
    private final int memoryLength;
    private final Path file;
    private final long size;

    private SpooledBody(byte[] memory, int memoryLength, Path file, long size) {
        this.memory = memory;
        this.memoryLength = memoryLength;
        this.file = file;
        this.size = size;
    }

    /** Reads {@code in} to its end. */
    static SpooledBody read(InputStream in, int threshold, Path directory) throws IOException {
        byte[] buf = new byte[Math.min(Math.max(threshold, 1), 64 << 10)];
        int len = 0;
        while (true) {
            if (len == buf.length) {
                if (len >= threshold) {
                    break;
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, Math.max(threshold, 1)));
            }
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                return new SpooledBody(buf, len, null, len);
            }
            len += n;
        }
        Path tmp = createTempFile(directory);
        boolean ok = false;
        try {
            long size = len;
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(buf, 0, len);
                byte[] chunk = new byte[64 << 10];
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    out.write(chunk, 0, n);
                    size += n;
                }
            }
            ok = true;
            return new SpooledBody(null, 0, tmp, size);
        } finally {
            if (!ok) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static Path createTempFile(Path directory) throws IOException {
        Path dir = directory != null ? directory : Path.of(System.getProperty("java.io.tmpdir"));
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Files.createTempFile(dir, "vigil-http-", ".upload",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Path p = Files.createTempFile(dir, "vigil-http-", ".upload");
        p.toFile().setReadable(false, false);
        p.toFile().setReadable(true, true);
        return p;
    }

    long size() {
        return size;
    }

    boolean spooled() {
        return file != null;
    }

    InputStream open() throws IOException {
        return file == null ? new ByteArrayInputStream(memory, 0, memoryLength) : Files.newInputStream(file);
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }
}
