package dev.vigil.yara.syntax;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the source an {@code include "path"} names; tests supply in-memory files. */
public interface IncludeResolver {

    /** An included source: {@code name} identifies it (used for cycle detection and diagnostics). */
    record Source(String name, byte[] content) {
    }

    /**
     * Resolves {@code path} as written in {@code includingFile}.
     *
     * @throws IOException when it cannot be read; the message becomes the compile error
     */
    Source resolve(String includingFile, String path) throws IOException;

    /**
     * Relative paths resolve against the including file's directory, or the working directory without one. Names
     * are not normalised: like YARA, a cycle is recognised only when the same path string comes back (otherwise
     * the depth limit stops it).
     */
    static IncludeResolver fileSystem() {
        return (includingFile, path) -> {
            Path p = Path.of(path);
            if (!p.isAbsolute() && includingFile != null) {
                Path parent = Path.of(includingFile).getParent();
                if (parent != null) {
                    p = parent.resolve(p);
                }
            }
            return new Source(p.toString(), Files.readAllBytes(p));
        };
    }

    /** Refuses every include, for sources that may not read files. */
    static IncludeResolver none() {
        return (includingFile, path) -> {
            throw new IOException("includes are disabled");
        };
    }
}
