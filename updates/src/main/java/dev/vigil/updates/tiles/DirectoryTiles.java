package dev.vigil.updates.tiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A log's static files in a local directory, as a web server or object store would serve them. Writes go to a
 * temporary file that is fsynced and renamed into place, then the directory is fsynced, so a crash leaves either
 * the old or the new file.
 */
public final class DirectoryTiles implements TileSource, TileSink {
    private final Path root;

    public DirectoryTiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    private Path resolve(String path) throws IOException {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            throw new IOException("invalid log path " + path);
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IOException("invalid log path " + path);
            }
        }
        Path p = root.resolve(path).normalize();
        if (!p.startsWith(root)) {
            throw new IOException("log path escapes the directory: " + path);
        }
        return p;
    }

    @Override
    public byte[] read(String path, int maxBytes) throws IOException {
        Path p = resolve(path);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(p.toString());
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] data = in.readNBytes(maxBytes + 1);
            if (data.length > maxBytes) {
                throw new BadTileException(path + " is larger than " + maxBytes + " bytes");
            }
            return data;
        }
    }

    @Override
    public void put(String path, byte[] data) throws IOException {
        Path target = resolve(path);
        Path dir = target.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".tmp-", ".part");
        try {
            makeWorldReadable(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename atomically: " + dir, e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** Published files are public; temporary files start owner-only, which a web server could not read. */
    private static void makeWorldReadable(Path p) throws IOException {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: default permissions apply.
        }
    }

    /** Makes a rename durable; some platforms cannot open directories, which then rely on the file system. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not supported here (e.g. Windows); the rename itself is still atomic.
        }
    }
}
