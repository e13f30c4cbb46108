package dev.vigil.updates.merkle;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only tree on disk: one file per level holding the complete-subtree hashes of that level back to back.
 * The leaf level decides the size; on open, upper levels cut short by a crash are recomputed and torn trailing
 * bytes are dropped, so a crash at any point leaves a consistent prefix. {@link #sync()} makes appends durable.
 * Single writer; not thread-safe.
 */
public final class FileTree implements NodeReader, Closeable {
    private static final int H = MerkleHash.SIZE;
    private final Path dir;
    private final List<FileChannel> levels = new ArrayList<>();
    private final MerkleHash hash = new MerkleHash();
    private final ByteBuffer one = ByteBuffer.allocate(H);
    private long size;

    private FileTree(Path dir) {
        this.dir = dir;
    }

    public static FileTree open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileTree tree = new FileTree(dir);
        try {
            tree.recover();
        } catch (IOException | RuntimeException e) {
            tree.close();
            throw e;
        }
        return tree;
    }

    private void recover() throws IOException {
        FileChannel leaves = channel(0);
        size = leaves.size() / H;
        leaves.truncate(size * H);
        for (int level = 1; (size >>> level) > 0; level++) {
            FileChannel ch = channel(level);
            long want = size >>> level;
            long have = Math.min(ch.size() / H, want);
            ch.truncate(have * H);
            for (long i = have; i < want; i++) {
                byte[] left = read(level - 1, 2 * i);
                byte[] right = read(level - 1, 2 * i + 1);
                write(ch, i, hash.node(left, right));
            }
        }
        // Levels above the tree's height may hold hashes from a size that a crash took back.
        for (int level = 64 - Long.numberOfLeadingZeros(Math.max(size, 1)); ; level++) {
            Path p = levelPath(level);
            if (!Files.exists(p)) {
                break;
            }
            if ((size >>> level) == 0) {
                channel(level).truncate(0);
            }
        }
    }

    private Path levelPath(int level) {
        return dir.resolve(String.format("level-%02d", level));
    }

    private FileChannel channel(int level) throws IOException {
        while (levels.size() <= level) {
            levels.add(FileChannel.open(levelPath(levels.size()), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE));
        }
        return levels.get(level);
    }

    /** Appends a leaf hash; returns its index. Durable only after {@link #sync()}. */
    public long append(byte[] leafHash) throws IOException {
        if (leafHash.length != H) {
            throw new IllegalArgumentException("leaf hash must be 32 bytes");
        }
        long index = size;
        write(channel(0), index, leafHash);
        byte[] carry = leafHash;
        long i = index;
        int level = 0;
        while ((i & 1) == 1) {
            carry = hash.node(read(level, i - 1), carry);
            i >>>= 1;
            level++;
            write(channel(level), i, carry);
        }
        size++;
        return index;
    }

    public void sync() throws IOException {
        for (FileChannel ch : levels) {
            ch.force(false);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] node(int level, long index) throws IOException {
        if (level < 0 || level >= 64 || index < 0 || index >= (size >>> level)) {
            throw new IllegalArgumentException("no complete subtree at level " + level + " index " + index);
        }
        return read(level, index);
    }

    private byte[] read(int level, long index) throws IOException {
        FileChannel ch = channel(level);
        one.clear();
        long pos = index * H;
        while (one.hasRemaining()) {
            if (ch.read(one, pos + one.position()) < 0) {
                throw new IOException("tree file " + levelPath(level) + " is truncated");
            }
        }
        return one.array().clone();
    }

    private static void write(FileChannel ch, long index, byte[] h) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(h);
        long pos = index * H;
        while (buf.hasRemaining()) {
            ch.write(buf, pos + buf.position());
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (FileChannel ch : levels) {
            try {
                ch.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        levels.clear();
        if (first != null) {
            throw first;
        }
    }
}
