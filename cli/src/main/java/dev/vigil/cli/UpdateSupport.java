package dev.vigil.cli;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.release.PolicyFile;
import dev.vigil.updates.release.ReleasePolicy;
import dev.vigil.updates.release.ReleaseSource;
import dev.vigil.updates.release.ReleaseSources;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the update commands share: mirrors, the policy file, this engine's version. */
final class UpdateSupport {
    private static final Pattern NUMERIC_VERSION = Pattern.compile("^(0|[1-9][0-9]{0,8})(\\.(0|[1-9][0-9]{0,8})){0,3}");

    private UpdateSupport() {
    }

    /** A directory, a {@code file:} URI, or an HTTP(S) URL. */
    static ReleaseSource source(String mirror, Path cwd) {
        return ReleaseSources.open(mirror, cwd);
    }

    /** HTTP sources hold a client; directories hold nothing. */
    static void close(ReleaseSource source) {
        if (source instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing was written through it
            }
        }
    }

    static ReleasePolicy policy(Path file) throws IOException, FormatException {
        byte[] text;
        try (InputStream in = Files.newInputStream(file)) {
            text = in.readNBytes(PolicyFile.MAX_SIZE + 1);
        }
        try {
            return PolicyFile.parse(text);
        } catch (FormatException e) {
            throw new FormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** The numeric part of this build's version ("0.1.0-SNAPSHOT" is 0.1.0), compared with a release's min-engine. */
    static String engineVersion() {
        Matcher m = NUMERIC_VERSION.matcher(VigilVersion.get());
        return m.find() ? m.group() : "0";
    }
}
