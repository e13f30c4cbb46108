package dev.vigil.updates.log;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.merkle.Proofs;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.tiles.EntryBundle;
import dev.vigil.updates.tiles.TilePath;
import dev.vigil.updates.tiles.TileReader;
import dev.vigil.updates.tiles.TileSource;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.List;

/**
 * The read side of a tiled log, for clients, witnesses and monitors: opens the published checkpoint with the
 * pinned log key, proves it consistent with a trusted older one, and proves entries included, all from untrusted
 * tiles. Tiles are only ever used to build proofs, and every proof is checked against signed roots, so a lying
 * mirror can deny service but never make a wrong answer verify.
 */
public final class LogVerifier {
    /** A checkpoint note and its signature lines are small; refuse anything larger outright. */
    public static final int MAX_CHECKPOINT = 64 * 1024;
    private static final int MAX_BUNDLE = TilePath.WIDTH * (2 + EntryBundle.MAX_ENTRY);

    private final String origin;
    private final NoteVerifier logKey;
    private final List<? extends NoteVerifier> otherKeys;
    private final TileSource source;

    public LogVerifier(String origin, NoteVerifier logKey, List<? extends NoteVerifier> otherKeys, TileSource source) {
        this.origin = origin;
        this.logKey = logKey;
        this.otherKeys = List.copyOf(otherKeys);
        this.source = source;
    }

    /** Reads and opens the log's current checkpoint. */
    public SignedCheckpoint latest() throws IOException, FormatException, VerificationException {
        return open(source.read(LogWriter.CHECKPOINT, MAX_CHECKPOINT));
    }

    public SignedCheckpoint open(byte[] checkpointNote) throws FormatException, VerificationException {
        return SignedCheckpoint.open(checkpointNote, origin, logKey, otherKeys);
    }

    /**
     * Proves that {@code newer} extends {@code trusted}: same origin, size not smaller, and a consistency proof
     * built from the newer tree's tiles leads to both roots. Equal sizes need equal roots.
     */
    public void verifyConsistency(Checkpoint trusted, Checkpoint newer) throws IOException, VerificationException {
        if (!trusted.origin().equals(origin) || !newer.origin().equals(origin)) {
            throw new VerificationException("checkpoint for another log");
        }
        long oldSize = trusted.size();
        long newSize = newer.size();
        if (Long.compareUnsigned(newSize, oldSize) < 0) {
            throw new VerificationException("log rolled back from size " + Long.toUnsignedString(oldSize) + " to "
                    + Long.toUnsignedString(newSize));
        }
        if (oldSize == newSize) {
            if (!MessageDigest.isEqual(trusted.root(), newer.root())) {
                throw new VerificationException("two different roots for size " + Long.toUnsignedString(newSize)
                        + ": the log forked");
            }
            return;
        }
        if (oldSize == 0) {
            if (!MessageDigest.isEqual(trusted.root(), MerkleHash.emptyRoot())) {
                throw new VerificationException("size-0 checkpoint without the empty-tree root");
            }
            return;
        }
        checkTreeSize(newSize);
        List<byte[]> proof = new MerkleTree(new TileReader(source, newSize)).consistencyProof(oldSize, newSize);
        try {
            Proofs.verifyConsistency(oldSize, newSize, proof, trusted.root(), newer.root());
        } catch (VerificationException e) {
            throw new VerificationException("checkpoint of size " + newSize + " is not consistent with the trusted "
                    + "one of size " + oldSize + " (forked log or bad tiles): " + e.getMessage(), e);
        }
    }

    /** Proves that {@code entry} is leaf {@code index} of the checkpoint's tree. */
    public void verifyInclusion(Checkpoint cp, long index, byte[] entry) throws IOException, VerificationException {
        checkTreeSize(cp.size());
        if (index < 0 || index >= cp.size()) {
            throw new VerificationException("index " + index + " is not in a tree of size " + cp.size());
        }
        List<byte[]> proof = new MerkleTree(new TileReader(source, cp.size())).inclusionProof(index, cp.size());
        Proofs.verifyInclusion(index, cp.size(), MerkleHash.leafHash(entry), proof, cp.root());
    }

    /** Reads entry {@code index} from its entry bundle and proves it included under the checkpoint. */
    public byte[] readEntry(Checkpoint cp, long index) throws IOException, VerificationException {
        checkTreeSize(cp.size());
        if (index < 0 || index >= cp.size()) {
            throw new VerificationException("index " + index + " is not in a tree of size " + cp.size());
        }
        long bundleIndex = index / TilePath.WIDTH;
        int width = (int) Math.min(TilePath.WIDTH, cp.size() - bundleIndex * TilePath.WIDTH);
        List<byte[]> bundle;
        try {
            bundle = readBundle(bundleIndex, width);
        } catch (FormatException e) {
            throw new VerificationException("bad entry bundle: " + e.getMessage(), e);
        }
        byte[] entry = bundle.get((int) (index % TilePath.WIDTH));
        verifyInclusion(cp, index, entry);
        return entry;
    }

    /** A partial bundle the log has since replaced by a full one is read as the full bundle's prefix. */
    private List<byte[]> readBundle(long bundleIndex, int width) throws IOException, FormatException {
        TilePath path = TilePath.entries(bundleIndex, width);
        try {
            return EntryBundle.parse(source.read(path.path(), MAX_BUNDLE), width);
        } catch (NoSuchFileException e) {
            if (!path.isPartial()) {
                throw e;
            }
            return EntryBundle.parse(source.read(path.full().path(), MAX_BUNDLE), TilePath.WIDTH).subList(0, width);
        }
    }

    private static void checkTreeSize(long size) throws VerificationException {
        if (size < 0) {
            throw new VerificationException("tree sizes above 2^63-1 are not supported");
        }
    }

}
