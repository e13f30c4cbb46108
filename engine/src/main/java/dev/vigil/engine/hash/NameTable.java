package dev.vigil.engine.hash;

import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Signature names packed as UTF-8 in fixed-size blocks: millions of hash signature names without a String each, and
 * without the copies (and transient doubling) of one array grown to tens of megabytes. A name never spans two
 * blocks; one longer than a block gets a block of its own.
 */
public final class NameTable {
    private static final int BLOCK_BITS = 18;
    private static final int BLOCK_SIZE = 1 << BLOCK_BITS;

    private byte[][] blocks = new byte[8][];
    private int blockCount;
    private int used = BLOCK_SIZE; // in the last block: full, so that the first name opens one
    /** Per name, in blocks of {@link #INDEX_SIZE} names: block index << BLOCK_BITS | offset, then length. */
    private int[][] index = new int[8][];
    private int size;
    private static final int INDEX_BITS = 14;
    private static final int INDEX_SIZE = 1 << INDEX_BITS;

    public int add(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        return add(b, 0, b.length, null);
    }

    /**
     * Adds the UTF-8 bytes {@code bytes[from, to)} followed by {@code suffix} (may be null) as one name, without a
     * String on the way: the loaders feed names straight from database lines.
     */
    public int add(byte[] bytes, int from, int to, byte[] suffix) {
        int first = to - from;
        int length = first + (suffix == null ? 0 : suffix.length);
        byte[] block = room(length);
        int at = used;
        System.arraycopy(bytes, from, block, at, first);
        if (suffix != null) {
            System.arraycopy(suffix, 0, block, at + first, suffix.length);
        }
        used += length;
        int ib = size >>> INDEX_BITS;
        if (ib == index.length) {
            index = Arrays.copyOf(index, ib * 2);
        }
        if (index[ib] == null) {
            index[ib] = new int[INDEX_SIZE * 2];
        }
        int[] entries = index[ib];
        int e = (size & (INDEX_SIZE - 1)) * 2;
        entries[e] = ((blockCount - 1) << BLOCK_BITS) | at;
        entries[e + 1] = length;
        return size++;
    }

    /** The block that takes the next {@code length} bytes at {@link #used}, opening a new one when needed. */
    private byte[] room(int length) {
        if (used + length <= BLOCK_SIZE && blockCount > 0 && blocks[blockCount - 1].length == BLOCK_SIZE) {
            return blocks[blockCount - 1];
        }
        if (blockCount == blocks.length) {
            blocks = Arrays.copyOf(blocks, blockCount * 2);
        }
        if (blockCount >= 1 << (31 - BLOCK_BITS)) {
            throw new IllegalStateException("too many signature names");
        }
        byte[] block = new byte[Math.max(length, BLOCK_SIZE)];
        blocks[blockCount++] = block;
        // An oversized name fills its block; the next name opens another.
        used = 0;
        return block;
    }

    public String get(int index) {
        int[] entries = this.index[index >>> INDEX_BITS];
        int e = (index & (INDEX_SIZE - 1)) * 2;
        int p = entries[e];
        return new String(blocks[p >>> BLOCK_BITS], p & (BLOCK_SIZE - 1), entries[e + 1], StandardCharsets.UTF_8);
    }

    public int size() {
        return size;
    }

    /** A test of one name, given as its UTF-8 bytes {@code bytes[from, from + length)}, which it must not change. */
    @FunctionalInterface
    public interface NameTest {
        boolean test(byte[] bytes, int from, int length);
    }

    /** True if some name satisfies {@code test}; names are read in place. */
    public boolean anyName(NameTest test) {
        for (int n = 0; n < size; n++) {
            int[] entries = index[n >>> INDEX_BITS];
            int e = (n & (INDEX_SIZE - 1)) * 2;
            int p = entries[e];
            if (test.test(blocks[p >>> BLOCK_BITS], p & (BLOCK_SIZE - 1), entries[e + 1])) {
                return true;
            }
        }
        return false;
    }

    /** Releases unused capacity once loading is over. */
    public void trim() {
        blocks = Arrays.copyOf(blocks, blockCount);
        if (blockCount > 0 && blocks[blockCount - 1].length == BLOCK_SIZE && used < BLOCK_SIZE) {
            blocks[blockCount - 1] = Arrays.copyOf(blocks[blockCount - 1], used);
        }
    }

    /** Writes the blocks and index as they are (after {@link #trim()}). */
    public void writeTo(ImageOutput out) throws IOException {
        out.writeInt(blockCount);
        for (int b = 0; b < blockCount; b++) {
            out.writeBytes(blocks[b]);
        }
        out.writeInt(used);
        out.writeInt(size);
        int indexBlocks = (size + INDEX_SIZE - 1) >>> INDEX_BITS;
        for (int i = 0; i < indexBlocks; i++) {
            out.writeInts(index[i]);
        }
    }

    /** Reads what {@link #writeTo} wrote, checking that every entry points inside its block. */
    public static NameTable readFrom(ImageInput in) throws IOException {
        NameTable t = new NameTable();
        int blockCount = in.readCount(4);
        t.blocks = new byte[Math.max(1, blockCount)][];
        for (int b = 0; b < blockCount; b++) {
            byte[] block = in.readBytes();
            if (block == null) {
                throw new ImageFormatException("engine image is corrupt: missing name block");
            }
            t.blocks[b] = block;
        }
        t.blockCount = blockCount;
        t.used = in.readInt();
        int size = in.readCount(8);
        int indexBlocks = (size + INDEX_SIZE - 1) >>> INDEX_BITS;
        t.index = new int[Math.max(1, indexBlocks)][];
        for (int i = 0; i < indexBlocks; i++) {
            int[] entries = in.readInts();
            if (entries == null || entries.length != INDEX_SIZE * 2) {
                throw new ImageFormatException("engine image is corrupt: name index block");
            }
            t.index[i] = entries;
        }
        t.size = size;
        for (int n = 0; n < size; n++) {
            int[] entries = t.index[n >>> INDEX_BITS];
            int e = (n & (INDEX_SIZE - 1)) * 2;
            int block = entries[e] >>> BLOCK_BITS;
            int at = entries[e] & (BLOCK_SIZE - 1);
            int length = entries[e + 1];
            if (block >= blockCount || length < 0 || (long) at + length > t.blocks[block].length) {
                throw new ImageFormatException("engine image is corrupt: name " + n + " out of bounds");
            }
        }
        return t;
    }
}
