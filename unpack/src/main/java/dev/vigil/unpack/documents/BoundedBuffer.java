package dev.vigil.unpack.documents;

import java.util.Arrays;

/**
 * A growable byte buffer that refuses to grow past a cap, so that a decoder fed hostile input (a bomb, a lying
 * length) can never allocate more than the limit allows.
 */
public final class BoundedBuffer {
    private final long cap;
    private byte[] buf;
    private int len;

    public BoundedBuffer(long cap) {
        this(cap, 256);
    }

    public BoundedBuffer(long cap, int initial) {
        this.cap = Math.min(cap <= 0 ? Integer.MAX_VALUE - 16 : cap, Integer.MAX_VALUE - 16);
        this.buf = new byte[(int) Math.max(16, Math.min(initial, this.cap))];
    }

    public int length() {
        return len;
    }

    public long cap() {
        return cap;
    }

    /** The bytes written so far (the live array; valid up to {@link #length()}). */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    public void clear() {
        len = 0;
    }

    public void put(int b) throws OutputLimitException {
        if (len == buf.length) {
            grow(1);
        }
        buf[len++] = (byte) b;
    }

    public void put(byte[] src, int off, int n) throws OutputLimitException {
        if (n <= 0) {
            return;
        }
        if (buf.length - len < n) {
            grow(n);
        }
        System.arraycopy(src, off, buf, len, n);
        len += n;
    }

    /** Appends {@code count} copies of {@code b} (run-length decoders). */
    public void fill(int b, int count) throws OutputLimitException {
        if (count <= 0) {
            return;
        }
        if (buf.length - len < count) {
            grow(count);
        }
        Arrays.fill(buf, len, len + count, (byte) b);
        len += count;
    }

    /** Byte at {@code index} counted from the start (LZ-style copy decoders). */
    public int at(int index) {
        return buf[index] & 0xff;
    }

    private void grow(int extra) throws OutputLimitException {
        long need = (long) len + extra;
        if (need > cap) {
            throw new OutputLimitException(cap);
        }
        long size = Math.max(need, Math.min(cap, (long) buf.length * 2));
        buf = Arrays.copyOf(buf, (int) size);
    }
}
