package dev.vigil.updates.tiles;

import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.merkle.NodeReader;

import java.io.IOException;

/** Writes the hash tiles of a tree that grew from one size to another. */
public final class TileWriter {
    private TileWriter() {
    }

    /** Publishes every hash tile that differs between {@code oldSize} and {@code newSize}; returns how many. */
    public static int writeHashTiles(NodeReader tree, long oldSize, long newSize, TileSink sink) throws IOException {
        if (newSize > tree.size()) {
            throw new IllegalArgumentException("tree holds only " + tree.size() + " leaves");
        }
        int written = 0;
        for (TilePath t : Tiles.changed(TilePath.HEIGHT, oldSize, newSize, false)) {
            sink.put(t.path(), hashTile(tree, t));
            written++;
        }
        return written;
    }

    /** The bytes of one hash tile: its hashes at Merkle level 8L, back to back. */
    public static byte[] hashTile(NodeReader tree, TilePath t) throws IOException {
        byte[] out = new byte[t.width() * MerkleHash.SIZE];
        int merkleLevel = t.level() * TilePath.HEIGHT;
        long first = t.index() * TilePath.WIDTH;
        for (int i = 0; i < t.width(); i++) {
            System.arraycopy(tree.node(merkleLevel, first + i), 0, out, i * MerkleHash.SIZE, MerkleHash.SIZE);
        }
        return out;
    }
}
