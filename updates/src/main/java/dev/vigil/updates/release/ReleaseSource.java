package dev.vigil.updates.release;

import dev.vigil.updates.tiles.TileSource;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a client reads releases from: the log's checkpoint (with cosignatures) and tiles through {@link TileSource},
 * the signed manifest logged at an index, and artifacts. Everything it returns is untrusted.
 */
public interface ReleaseSource extends TileSource {
    /** The signed manifest note at log index {@code index}, at most {@code maxBytes} long. */
    byte[] manifest(long index, int maxBytes) throws IOException;

    /** The artifact's bytes; the caller bounds how much it reads. */
    InputStream artifact(ReleaseManifest.Artifact artifact) throws IOException;
}
