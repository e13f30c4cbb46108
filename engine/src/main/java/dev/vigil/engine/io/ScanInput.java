package dev.vigil.engine.io;

import java.io.Closeable;
import java.io.IOException;

/** Random access to the bytes being scanned, whatever holds them (an array, a file). */
public interface ScanInput extends Closeable {

    long size();

    /**
     * Copies up to {@code length} bytes from {@code position} into {@code dst}; returns the number copied,
     * which is smaller only at the end of the data (0 at or past the end).
     */
    int read(long position, byte[] dst, int offset, int length) throws IOException;

    /** Reads exactly {@code length} bytes or as many as exist; convenience for header parsers. */
    default byte[] readFully(long position, int length) throws IOException {
        byte[] out = new byte[(int) Math.max(0, Math.min(length, size() - position))];
        int n = readFully(position, out, 0, out.length);
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /**
     * Copies {@code length} bytes from {@code position} into {@code dst}, or as many as exist; returns the number
     * copied.
     */
    default int readFully(long position, byte[] dst, int offset, int length) throws IOException {
        int want = (int) Math.max(0, Math.min(length, size() - position));
        int n = 0;
        while (n < want) {
            int r = read(position + n, dst, offset + n, want - n);
            if (r <= 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    static ScanInput of(byte[] data) {
        return new ByteArrayInput(data);
    }

    @Override
    default void close() throws IOException {
    }
}
