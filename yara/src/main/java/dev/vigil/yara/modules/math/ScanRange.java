package dev.vigil.yara.modules.math;

import dev.vigil.yara.modules.ModuleContext;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code (offset, size)} ranges that YARA's data functions (math, hash) accept: undefined when either is
 * negative or the offset is not inside the data, otherwise cut at the end of the data. Reads stream in chunks, so
 * a range over a large file never needs the whole file in memory.
 */
public final class ScanRange {

    /** YARA's integer "undefined" sentinel: a function returning this value returns undefined. */
    public static final long UNDEFINED_SENTINEL = 0xFFFABADAFABADAFFL;

    private static final int CHUNK = 64 * 1024;

    private ScanRange() {
    }

    /** Receives the bytes of a range in order, one chunk at a time. */
    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(byte[] chunk, int length);
    }

    /** True when YARA defines a result for this range over data of {@code dataSize} bytes. */
    public static boolean defined(long offset, long length, long dataSize) {
        return offset >= 0 && length >= 0 && offset < dataSize;
    }

    /** Number of bytes of the range that exist (the range must be {@link #defined}). */
    public static long available(long offset, long length, long dataSize) {
        return Math.min(length, dataSize - offset);
    }

    /**
     * Streams the existing bytes of a defined range to {@code consumer}.
     *
     * @throws UncheckedIOException when the input fails (module functions cannot throw checked exceptions)
     */
    public static void stream(ModuleContext context, long offset, long length, ChunkConsumer consumer) {
        long remaining = available(offset, length, context.size());
        byte[] buffer = new byte[(int) Math.min(CHUNK, Math.max(remaining, 1))];
        long position = offset;
        try {
            while (remaining > 0) {
                int n = context.input().read(position, buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n <= 0) {
                    break;
                }
                consumer.accept(buffer, n);
                position += n;
                remaining -= n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Byte histogram of a range, or null when the range is undefined. */
    public static long[] histogram(ModuleContext context, long offset, long length) {
        if (!defined(offset, length, context.size())) {
            return null;
        }
        long[] counts = new long[256];
        stream(context, offset, length, (chunk, n) -> {
            for (int i = 0; i < n; i++) {
                counts[chunk[i] & 0xff]++;
            }
        });
        return counts;
    }

    /** An integer result as YARA returns it: the sentinel value reads as undefined. */
    public static Long integer(long value) {
        return value == UNDEFINED_SENTINEL ? null : value;
    }

    /** A float result as YARA reads it: NaN is undefined. */
    public static Double floating(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
