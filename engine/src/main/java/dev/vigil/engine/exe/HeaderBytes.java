package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

/** Bounded reads and fixed-width integer decoding for header parsers. Offsets are unsigned. */
final class HeaderBytes {
    static final long U32 = 0xffffffffL;

    private HeaderBytes() {
    }

    /**
     * Exactly {@code length} bytes at {@code position}, or null when they are not all inside the data. A zero-length
     * read always succeeds (ClamAV's reader treats it so). {@code position} is read as an unsigned 64-bit value.
     */
    static byte[] read(ScanInput in, long position, int length) throws IOException {
        long size = in.size();
        if (length == 0) {
            return new byte[0];
        }
        if (position < 0 || position > size || length > size - position) {
            return null;
        }
        byte[] out = in.readFully(position, length);
        return out.length == length ? out : null;
    }

    static int u8(byte[] b, int off) {
        return b[off] & 0xff;
    }

    static int u16(byte[] b, int off, boolean bigEndian) {
        return bigEndian
                ? (u8(b, off) << 8) | u8(b, off + 1)
                : u8(b, off) | (u8(b, off + 1) << 8);
    }

    static long u32(byte[] b, int off, boolean bigEndian) {
        return bigEndian
                ? ((long) u8(b, off) << 24) | (u8(b, off + 1) << 16) | (u8(b, off + 2) << 8) | u8(b, off + 3)
                : u8(b, off) | (u8(b, off + 1) << 8) | (u8(b, off + 2) << 16) | ((long) u8(b, off + 3) << 24);
    }

    /** Unsigned 64-bit value in a long (callers compare with the unsigned helpers). */
    static long u64(byte[] b, int off, boolean bigEndian) {
        long first = u32(b, off, bigEndian);
        long second = u32(b, off + 4, bigEndian);
        return bigEndian ? (first << 32) | second : (second << 32) | first;
    }

    static int u16le(byte[] b, int off) {
        return u16(b, off, false);
    }

    static long u32le(byte[] b, int off) {
        return u32(b, off, false);
    }

    /** A NUL-terminated name of at most {@code max} bytes, as ISO-8859-1 text. */
    static String name(byte[] b, int off, int max) {
        int end = off;
        while (end < off + max && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
