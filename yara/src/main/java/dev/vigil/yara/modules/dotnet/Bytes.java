package dev.vigil.yara.modules.dotnet;

import java.nio.charset.StandardCharsets;

/**
 * Little-endian reads on the whole file. Positions are longs because offsets computed from hostile headers may point
 * anywhere; a read outside the data yields 0, so callers check {@link #fits} where YARA checks bounds and never
 * fault where it does not.
 */
final class Bytes {
    final byte[] d;
    final long n;

    Bytes(byte[] d) {
        this.d = d;
        this.n = d.length;
    }

    /** YARA's fits_in_pe: {@code size} bytes at {@code p} lie inside the data. */
    boolean fits(long p, long size) {
        return size >= 0 && size <= n && p >= 0 && p <= n - size;
    }

    int u8(long p) {
        return p >= 0 && p < n ? d[(int) p] & 0xff : 0;
    }

    int u16(long p) {
        return u8(p) | u8(p + 1) << 8;
    }

    long u32(long p) {
        return (u16(p) | (long) u16(p + 2) << 16) & 0xffffffffL;
    }

    long u64(long p) {
        return u32(p) | u32(p + 4) << 32;
    }

    /** A 2- or 4-byte index column. */
    long index(long p, int width) {
        return width == 4 ? u32(p) : u16(p);
    }

    /** Position of the first 0 byte in [p, p + max) clipped to the data, or -1. */
    long indexOfNul(long p, long max) {
        long end = Math.min(n, p + max);
        for (long i = Math.max(p, 0); i < end; i++) {
            if (d[(int) i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Bytes [p, p + len) as a Latin-1 string (one char per byte); the caller has checked the range. */
    String latin1(long p, long len) {
        return new String(d, (int) p, (int) len, StandardCharsets.ISO_8859_1);
    }

    byte[] slice(long p, long len) {
        return java.util.Arrays.copyOfRange(d, (int) p, (int) (p + len));
    }

    static byte[] bytes(String latin1) {
        return latin1 == null ? null : latin1.getBytes(StandardCharsets.ISO_8859_1);
    }
}
