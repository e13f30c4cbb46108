package dev.vigil.updates.release;

import java.net.URI;
import java.nio.file.Path;

/**
 * Maps a mirror argument to a {@link ReleaseSource}: a directory path or a {@code file:} URI. HTTP(S) mirrors are
 * served by the {@code http} package's source.
 */
public final class ReleaseSources {
    private ReleaseSources() {
    }

    /** Relative paths are resolved against {@code cwd}. */
    public static ReleaseSource open(String mirror, Path cwd) {
        if (mirror.startsWith("http://") || mirror.startsWith("https://")) {
            throw new IllegalArgumentException("HTTP mirrors are not supported by this build: " + mirror);
        }
        return new DirectoryReleaseSource(localPath(mirror, cwd));
    }

    /** The directory a non-HTTP mirror argument names. */
    public static Path localPath(String mirror, Path cwd) {
        if (mirror.startsWith("file:")) {
            return Path.of(URI.create(mirror));
        }
        return cwd.resolve(mirror);
    }

    public static boolean isHttp(String mirror) {
        return mirror.startsWith("http://") || mirror.startsWith("https://");
    }
}
