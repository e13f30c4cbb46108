package dev.vigil.updates.bench;

import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.log.LogVerifier;
import dev.vigil.updates.merkle.InMemoryTree;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.tiles.EntryBundle;
import dev.vigil.updates.tiles.TilePath;
import dev.vigil.updates.tiles.TileSink;
import dev.vigil.updates.tiles.TileSource;
import dev.vigil.updates.tiles.TileWriter;
import dev.vigil.updates.tiles.Tiles;

import java.nio.file.NoSuchFileException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Client cost per update on a log of 1M entries: the client holds the checkpoint of the previous release and
 * verifies the next one (consistency) and the new release entry (inclusion, read from its bundle). Tiles are
 * served from memory and counted. Run: java -cp test-classes:classes dev.vigil.updates.bench.LogBench [entries].
 */
public final class LogBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String origin = "bench.example.org/log";
        SignerKey key = SignerKey.generate(origin, SignatureType.ED25519, new SecureRandom());
        Map<String, byte[]> files = new HashMap<>();
        TileSink sink = files::put;
        InMemoryTree tree = new InMemoryTree();
        List<byte[]> pending = new ArrayList<>();
        long t0 = System.nanoTime();
        byte[] manifest = new byte[600];
        long published = 0;
        List<byte[]> checkpoints = new ArrayList<>();
        // One release per 10,000 entries in the first run would be slow to publish; publish twice at the end.
        for (int i = 0; i < n; i++) {
            manifest[0] = (byte) i;
            manifest[1] = (byte) (i >>> 8);
            manifest[2] = (byte) (i >>> 16);
            tree.appendData(manifest);
            pending.add(manifest.clone());
            if (pending.size() == TilePath.WIDTH) {
                sink.put(TilePath.entries(i / TilePath.WIDTH, TilePath.WIDTH).path(), EntryBundle.format(pending));
                pending.clear();
            }
            if (i == n - 2 || i == n - 1) {
                long size = i + 1;
                TileWriter.writeHashTiles(tree, published, size, sink);
                if (!pending.isEmpty()) {
                    sink.put(TilePath.entries(i / TilePath.WIDTH, pending.size()).path(), EntryBundle.format(pending));
                }
                Checkpoint cp = new Checkpoint(origin, size, new MerkleTree(tree).root(size));
                checkpoints.add(SignedCheckpoint.sign(cp, key).format());
                published = size;
            }
        }
        long buildMs = (System.nanoTime() - t0) / 1_000_000;
        int tiles = Tiles.forSize(n).size();

        long[] fetched = new long[2];
        TileSource source = (path, max) -> {
            byte[] d = files.get(path);
            if (d == null) {
                throw new NoSuchFileException(path);
            }
            fetched[0]++;
            fetched[1] += d.length;
            return d;
        };
        LogVerifier client = new LogVerifier(origin, key.verifier(), List.of(), source);
        Checkpoint trusted = client.open(checkpoints.get(0)).checkpoint();
        int rounds = 200;
        long best = Long.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            fetched[0] = 0;
            fetched[1] = 0;
            long s = System.nanoTime();
            SignedCheckpoint next = client.open(checkpoints.get(1));
            client.verifyConsistency(trusted, next.checkpoint());
            client.readEntry(next.checkpoint(), n - 1);
            best = Math.min(best, System.nanoTime() - s);
        }
        long bytes = fetched[1] + checkpoints.get(1).length;
        System.out.printf("log of %,d entries: built in %,d ms (%,d tiles)%n", n, buildMs, tiles);
        System.out.printf("client update (open checkpoint, consistency %d->%d, read+prove newest entry): best %.2f ms,"
                + " %d files fetched, %,d bytes incl. checkpoint%n", n - 1, n, best / 1e6, fetched[0] + 1, bytes);
    }

    private LogBench() {
    }

}
