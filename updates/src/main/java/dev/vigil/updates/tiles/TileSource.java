package dev.vigil.updates.tiles;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * Where a reader gets a log's static files ({@code checkpoint}, tiles) from: a directory, an HTTP mirror, a cache.
 * Paths are tlog-tiles paths relative to the log's prefix.
 */
public interface TileSource {
    /**
     * The file's bytes, at most {@code maxBytes} long.
     *
     * @throws NoSuchFileException when the file does not exist (so that a missing partial tile can fall back to the
     *                             full one)
     */
    byte[] read(String path, int maxBytes) throws IOException;
}
