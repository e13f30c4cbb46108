package dev.vigil.updates.release;

import dev.vigil.updates.tiles.DirectoryTiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A release directory as {@link Publisher} writes it and a web server would serve it: the log's {@code checkpoint}
 * and {@code tile/…}, {@code manifest/<index>} (the signed manifest notes) and {@code artifact/<sha256 hex>}.
 */
public final class DirectoryReleaseSource implements ReleaseSource {
    private final DirectoryTiles files;

    public DirectoryReleaseSource(Path root) {
        this.files = new DirectoryTiles(root);
    }

    public static String manifestPath(long index) {
        return "manifest/" + index;
    }

    public static String artifactPath(ReleaseManifest.Artifact a) {
        return "artifact/" + a.sha256Hex();
    }

    @Override
    public byte[] read(String path, int maxBytes) throws IOException {
        return files.read(path, maxBytes);
    }

    @Override
    public byte[] manifest(long index, int maxBytes) throws IOException {
        return files.read(manifestPath(index), maxBytes);
    }

    @Override
    public InputStream artifact(ReleaseManifest.Artifact artifact) throws IOException {
        Path p = files.root().resolve(artifactPath(artifact));
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(p.toString());
        }
        return Files.newInputStream(p);
    }
}
