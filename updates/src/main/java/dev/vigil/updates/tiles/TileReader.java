package dev.vigil.updates.tiles;

import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.merkle.NodeReader;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The complete-subtree hashes of a tree of a given size, read from hash tiles: a node at Merkle level 8L + r is the
 * root of 2^r consecutive hashes in a level-L tile. Only tiles that a tree of this size has are read, each checked
 * for its exact length; a missing partial tile falls back to the full tile, whose prefix is the same data.
 */
public final class TileReader implements NodeReader {
    private static final int CACHE_TILES = 64;
    private final TileSource source;
    private final long size;
    private final MerkleHash hash = new MerkleHash();
    private final Map<TilePath, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TilePath, byte[]> eldest) {
            return size() > CACHE_TILES;
        }
    };
    private long tilesFetched;
    private long bytesFetched;

    public TileReader(TileSource source, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative tree size");
        }
        this.source = source;
        this.size = size;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public byte[] node(int level, long index) throws IOException {
        if (level < 0 || level > 63 || index < 0 || index >= (size >>> level)) {
            throw new IllegalArgumentException("no complete subtree at level " + level + " index " + index);
        }
        int tileLevel = level / TilePath.HEIGHT;
        int sub = level % TilePath.HEIGHT;
        long first = index << sub;
        long tileIndex = first >>> TilePath.HEIGHT;
        int offset = (int) (first & (TilePath.WIDTH - 1));
        byte[] tile = tile(tileLevel, tileIndex);
        return hash.completeRoot(tile, offset * MerkleHash.SIZE, 1 << sub);
    }

    /** The hashes of one tile, as wide as this tree size makes it. */
    public byte[] tile(int tileLevel, long tileIndex) throws IOException {
        long available = Tiles.hashesAtLevel(TilePath.HEIGHT, tileLevel, size) - tileIndex * TilePath.WIDTH;
        int width = (int) Math.min(TilePath.WIDTH, available);
        TilePath path = TilePath.hashes(tileLevel, tileIndex, width);
        byte[] cached = cache.get(path);
        if (cached != null) {
            return cached;
        }
        byte[] data;
        try {
            data = fetch(path, width);
        } catch (NoSuchFileException e) {
            if (!path.isPartial()) {
                throw e;
            }
            byte[] full = fetch(path.full(), TilePath.WIDTH);
            data = java.util.Arrays.copyOf(full, width * MerkleHash.SIZE);
        }
        cache.put(path, data);
        return data;
    }

    private byte[] fetch(TilePath path, int width) throws IOException {
        byte[] data = source.read(path.path(), width * MerkleHash.SIZE);
        tilesFetched++;
        bytesFetched += data.length;
        if (data.length != width * MerkleHash.SIZE) {
            throw new BadTileException(path.path() + " has " + data.length + " bytes, expected " + width * MerkleHash.SIZE);
        }
        return data;
    }

    public long tilesFetched() {
        return tilesFetched;
    }

    public long bytesFetched() {
        return bytesFetched;
    }
}
