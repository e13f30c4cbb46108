package dev.vigil.updates.monitor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** Lists the signature names an artifact defines, so that a monitor can say what a release added and removed. */
public interface SignatureLister {
    /**
     * The names in {@code file} (the artifact {@code artifactName}, already checked against its manifest hash), or
     * null when the format is not one this lister understands.
     */
    Set<String> names(String artifactName, Path file) throws IOException;
}
