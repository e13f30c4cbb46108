package dev.vigil.updates.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Copies artifact bytes while checking them against the manifest, reading never more than the declared size + 1. */
public final class ArtifactFiles {
    private ArtifactFiles() {
    }

    /** What went wrong with a copy; the caller turns it into its own error type. */
    public static final class Mismatch extends Exception {
        final boolean tooLarge;

        Mismatch(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }
    }

    /**
     * Streams {@code in} to {@code out}, stopping one byte past the declared size, and checks size and SHA-256.
     */
    public static void copyChecked(InputStream in, OutputStream out, ReleaseManifest.Artifact a) throws IOException, Mismatch {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        while (true) {
            long wanted = a.size() + 1 - total;
            int n = in.read(buf, 0, (int) Math.min(buf.length, wanted));
            if (n < 0) {
                break;
            }
            total += n;
            if (total > a.size()) {
                throw new Mismatch(a.name() + " is larger than its declared " + a.size() + " bytes", true);
            }
            sha.update(buf, 0, n);
            out.write(buf, 0, n);
        }
        if (total != a.size()) {
            throw new Mismatch(a.name() + " has " + total + " bytes, the manifest says " + a.size(), false);
        }
        if (!MessageDigest.isEqual(sha.digest(), a.sha256())) {
            throw new Mismatch(a.name() + " does not match its SHA-256 " + a.sha256Hex(), false);
        }
    }

    /** Copies a local file into place by temp file, fsync and atomic rename, after checking it. */
    static void copyVerified(Path from, ReleaseManifest.Artifact a, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Path tmp = Files.createTempFile(to.getParent(), ".tmp-", ".part");
        try {
            try (InputStream in = Files.newInputStream(from); OutputStream out = Files.newOutputStream(tmp)) {
                copyChecked(in, out, a);
            } catch (Mismatch e) {
                throw new IllegalArgumentException("artifact file " + from + ": " + e.getMessage());
            }
            fsync(tmp);
            moveAtomically(tmp, to);
        } finally {
            Files.deleteIfExists(tmp);
        }
        fsyncDirectory(to.getParent());
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename atomically: " + to.getParent(), e);
        }
    }

    static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Makes a rename durable; directories cannot be opened on some platforms, which then rely on the rename. */
    static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported here
        }
    }
}
