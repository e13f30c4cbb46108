package dev.vigil.updates.witness;

import dev.vigil.updates.checkpoint.Checkpoint;

import java.io.IOException;

/** A witness's memory: the latest checkpoint it cosigned per origin. Implementations must persist before answering. */
public interface WitnessState {
    /** The latest cosigned checkpoint for the origin, or null if none. */
    Checkpoint latest(String origin) throws IOException;

    /**
     * Records {@code next} only if the latest cosigned size is still {@code expectedSize} (0 when none), atomically
     * with that check, so two concurrent requests cannot roll the state back. Returns false on a lost race.
     */
    boolean compareAndSet(String origin, long expectedSize, Checkpoint next) throws IOException;
}
