package dev.vigil.engine.hash;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Signature names packed as UTF-8 in one array: millions of hash signature names without a String each. */
public final class NameTable {
    private byte[] bytes = new byte[1 << 12];
    private int[] starts = new int[1 << 8];
    private int size;
    private int used;

    public int add(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (used + b.length > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length + (bytes.length >> 1), used + b.length)); // 1.5x: a million names
        }
        if (size + 2 > starts.length) {
            starts = Arrays.copyOf(starts, starts.length + (starts.length >> 1));
        }
        System.arraycopy(b, 0, bytes, used, b.length);
        starts[size] = used;
        used += b.length;
        starts[size + 1] = used;
        return size++;
    }

    public String get(int index) {
        return new String(bytes, starts[index], starts[index + 1] - starts[index], StandardCharsets.UTF_8);
    }

    public int size() {
        return size;
    }

    /** Releases unused capacity once loading is over. */
    public void trim() {
        bytes = Arrays.copyOf(bytes, used);
        starts = Arrays.copyOf(starts, size + 1);
    }
}
