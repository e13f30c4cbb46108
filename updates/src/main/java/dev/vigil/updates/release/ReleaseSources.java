package dev.vigil.updates.release;

import dev.vigil.updates.http.HttpReleaseSource;

import java.net.URI;
import java.nio.file.Path;

/**
 * Maps a mirror argument to a {@link ReleaseSource}: an HTTP(S) URL ({@link HttpReleaseSource}), a {@code file:}
 * URI or a directory path ({@link DirectoryReleaseSource}).
 */
public final class ReleaseSources {
    private ReleaseSources() {
    }

    /** Relative paths are resolved against {@code cwd}. */
    public static ReleaseSource open(String mirror, Path cwd) {
        if (isHttp(mirror)) {
            return new HttpReleaseSource(URI.create(mirror));
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
