package dev.vigil.updates.log;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.merkle.FileTree;
import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSigner;
import dev.vigil.updates.tiles.EntryBundle;
import dev.vigil.updates.tiles.TilePath;
import dev.vigil.updates.tiles.TileSink;
import dev.vigil.updates.tiles.TileWriter;
import dev.vigil.updates.tiles.Tiles;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A single-writer append-only log published as static tlog-tiles files. Entries are appended to private state
 * ({@code stateDir}); {@link #checkpoint} makes them durable, publishes the new hash tiles and entry bundles, and
 * only then replaces the signed {@code checkpoint} file, so readers and crashes only ever see complete,
 * consistent states. The state directory is locked against a second writer.
 */
public final class LogWriter implements Closeable {
    public static final String CHECKPOINT = "checkpoint";
    private final String origin;
    private final Path stateDir;
    private final TileSink publish;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final EntryStore entries;
    private final FileTree tree;
    private final MerkleHash hash = new MerkleHash();
    private long published;

    private LogWriter(String origin, Path stateDir, TileSink publish, FileChannel lockFile, FileLock lock,
                      EntryStore entries, FileTree tree, long published) {
        this.origin = origin;
        this.stateDir = stateDir;
        this.publish = publish;
        this.lockFile = lockFile;
        this.lock = lock;
        this.entries = entries;
        this.tree = tree;
        this.published = published;
    }

    /** Opens or creates the log whose private state lives in {@code stateDir}. */
    public static LogWriter open(Path stateDir, String origin, TileSink publish) throws IOException {
        if (origin.isEmpty() || origin.contains("\n") || origin.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("invalid origin");
        }
        Files.createDirectories(stateDir);
        FileChannel lockFile = FileChannel.open(stateDir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        FileLock lock = null;
        EntryStore entries = null;
        FileTree tree = null;
        try {
            try {
                lock = lockFile.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("log state " + stateDir + " is in use by another writer");
            }
            Path originFile = stateDir.resolve("origin");
            if (Files.exists(originFile)) {
                String stored = Files.readString(originFile, StandardCharsets.UTF_8);
                if (!stored.equals(origin)) {
                    throw new IOException("log state belongs to origin \"" + stored + "\"");
                }
            } else {
                Files.writeString(originFile, origin, StandardCharsets.UTF_8);
            }
            entries = new EntryStore(stateDir);
            tree = FileTree.open(stateDir.resolve("tree"));
            catchUp(entries, tree);
            long published = readPublishedSize(stateDir);
            if (published > tree.size()) {
                throw new IOException("published size " + published + " is beyond the stored entries");
            }
            return new LogWriter(origin, stateDir, publish, lockFile, lock, entries, tree, published);
        } catch (IOException | RuntimeException e) {
            if (tree != null) {
                tree.close();
            }
            if (entries != null) {
                entries.close();
            }
            if (lock != null) {
                lock.release();
            }
            lockFile.close();
            throw e;
        }
    }

    /** Entries reach the disk before their leaf hashes; recompute any leaf a crash lost. */
    private static void catchUp(EntryStore entries, FileTree tree) throws IOException {
        if (tree.size() > entries.size()) {
            throw new IOException("tree has " + tree.size() + " leaves but only " + entries.size() + " entries");
        }
        MerkleHash h = new MerkleHash();
        for (long i = tree.size(); i < entries.size(); i++) {
            tree.append(h.leaf(entries.read(i)));
        }
    }

    private static long readPublishedSize(Path stateDir) throws IOException {
        Path p = stateDir.resolve("published");
        if (!Files.exists(p)) {
            return 0;
        }
        String s = Files.readString(p, StandardCharsets.US_ASCII).trim();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IOException("corrupt published size in " + p);
        }
    }

    public String origin() {
        return origin;
    }

    /** Number of entries appended, published or not. */
    public long size() {
        return tree.size();
    }

    /** Size of the latest published checkpoint. */
    public long publishedSize() {
        return published;
    }

    /** Appends one entry (at most 65535 bytes, as entry bundles frame it) and returns its index. */
    public long append(byte[] entry) throws IOException {
        long index = entries.append(entry);
        long leaf = tree.append(hash.leaf(entry));
        if (leaf != index) {
            throw new IllegalStateException("entries and tree out of step");
        }
        return index;
    }

    public byte[] entry(long index) throws IOException {
        return entries.read(index);
    }

    /** The unsigned checkpoint body for the current size. */
    public Checkpoint currentCheckpoint() throws IOException {
        return new Checkpoint(origin, size(), new MerkleTree(tree).root(size()));
    }

    /**
     * Makes all appended entries durable, publishes their tiles and entry bundles, then signs and publishes the
     * checkpoint for the current size. Returns the signed note.
     */
    public Note checkpoint(NoteSigner logKey, NoteSigner... extraSigners) throws IOException {
        entries.sync();
        tree.sync();
        long size = size();
        TileWriter.writeHashTiles(tree, published, size, publish);
        writeBundles(published, size);
        Checkpoint cp = currentCheckpoint();
        NoteSigner[] signers = new NoteSigner[1 + extraSigners.length];
        signers[0] = logKey;
        System.arraycopy(extraSigners, 0, signers, 1, extraSigners.length);
        Note note;
        try {
            note = SignedCheckpoint.sign(cp, signers);
        } catch (FormatException e) {
            throw new IllegalArgumentException("cannot sign checkpoint: " + e.getMessage(), e);
        }
        publish.put(CHECKPOINT, note.format());
        Path tmp = stateDir.resolve("published.tmp");
        Files.writeString(tmp, Long.toString(size), StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, stateDir.resolve("published"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        published = size;
        return note;
    }

    private void writeBundles(long oldSize, long newSize) throws IOException {
        for (TilePath t : Tiles.changed(TilePath.HEIGHT, oldSize, newSize, true)) {
            if (!t.isData()) {
                continue;
            }
            List<byte[]> bundle = new ArrayList<>(t.width());
            long first = t.index() * TilePath.WIDTH;
            for (int i = 0; i < t.width(); i++) {
                bundle.add(entries.read(first + i));
            }
            publish.put(t.path(), EntryBundle.format(bundle));
        }
    }

    @Override
    public void close() throws IOException {
        try {
            tree.close();
            entries.close();
        } finally {
            try {
                lock.release();
            } finally {
                lockFile.close();
            }
        }
    }
}
