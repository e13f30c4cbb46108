package dev.vigil.updates.witness;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.tiles.DirectoryTiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Witness state in a directory: one file per origin, named by the hex SHA-256 of the origin (as tlog-witness names
 * its monitoring paths), holding the checkpoint body. Writes are fsynced and atomically renamed; one lock orders
 * check-and-set within this process (run one witness process per directory).
 */
public final class DirectoryWitnessState implements WitnessState {
    private final DirectoryTiles files;

    public DirectoryWitnessState(Path dir) {
        this.files = new DirectoryTiles(dir);
    }

    static String originHash(String origin) {
        try {
            return Encoding.hex(MessageDigest.getInstance("SHA-256").digest(origin.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized Checkpoint latest(String origin) throws IOException {
        byte[] data;
        try {
            data = files.read(originHash(origin), 64 * 1024);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            Checkpoint cp = Checkpoint.parse(data);
            if (!cp.origin().equals(origin)) {
                throw new IOException("witness state for " + origin + " holds another origin");
            }
            return cp;
        } catch (FormatException e) {
            throw new IOException("corrupt witness state for " + origin + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized boolean compareAndSet(String origin, long expectedSize, Checkpoint next) throws IOException {
        Checkpoint current = latest(origin);
        long size = current == null ? 0 : current.size();
        if (size != expectedSize) {
            return false;
        }
        files.put(originHash(origin), next.format());
        return true;
    }

}
