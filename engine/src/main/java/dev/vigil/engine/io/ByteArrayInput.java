package dev.vigil.engine.io;

/** A {@link ScanInput} over an array held in memory. */
final class ByteArrayInput implements ScanInput {
    private final byte[] data;

    ByteArrayInput(byte[] data) {
        this.data = data;
    }

    @Override
    public long size() {
        return data.length;
    }

    @Override
    public int read(long position, byte[] dst, int offset, int length) {
        if (position >= data.length || position < 0) {
            return 0;
        }
        int n = (int) Math.min(length, data.length - position);
        System.arraycopy(data, (int) position, dst, offset, n);
        return n;
    }

    byte[] array() {
        return data;
    }
}
