package dev.vigil.updates.release;

import dev.vigil.updates.witness.Witness;

import java.io.IOException;

/**
 * Something that answers tlog-witness {@code add-checkpoint} requests: a witness over HTTP, or a {@link Witness}
 * in the same process.
 */
public interface WitnessEndpoint {
    /** Sends one request body and returns the status, content type and body of the answer. */
    Witness.Response addCheckpoint(byte[] requestBody) throws IOException;

    /** Where it is, for messages (a URL). */
    String describe();
}
