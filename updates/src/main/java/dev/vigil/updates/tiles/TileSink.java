package dev.vigil.updates.tiles;

import java.io.IOException;

/** Where a log writer publishes its static files. Each put must be atomic: readers see the old or the new file. */
public interface TileSink {
    void put(String path, byte[] data) throws IOException;
}
