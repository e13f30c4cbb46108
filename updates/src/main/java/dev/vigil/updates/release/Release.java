package dev.vigil.updates.release;

import dev.vigil.updates.checkpoint.Checkpoint;

import java.nio.file.Path;

/** An accepted and installed release: its manifest, where the log holds it, the checkpoint that proved it. */
public record Release(ReleaseManifest manifest, long logIndex, Checkpoint checkpoint, Path directory) {
}
