package dev.vigil.unpack.pe;

/** Little-endian reads from arrays that answer 0 outside the array, so that header parsers need no bounds checks. */
public final class Le {
    private Le() {
    }

    public static int u8(byte[] b, long at) {
        return at >= 0 && at < b.length ? b[(int) at] & 0xff : 0;
    }

    public static int u16(byte[] b, long at) {
        return u8(b, at) | u8(b, at + 1) << 8;
    }

    public static long u32(byte[] b, long at) {
        return (u16(b, at) | (long) u16(b, at + 2) << 16) & 0xffffffffL;
    }

    public static boolean has(byte[] b, long at, long len) {
        return at >= 0 && len >= 0 && at <= b.length && len <= b.length - at;
    }

    public static void put32(byte[] b, int at, long v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    public static void put16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    /** Index of {@code needle} in {@code hay[from, to)}, or -1. */
    public static int indexOf(byte[] hay, byte[] needle, int from, int to) {
        int end = Math.min(to, hay.length) - needle.length;
        outer:
        for (int i = Math.max(0, from); i <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
