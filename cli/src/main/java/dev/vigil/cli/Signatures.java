package dev.vigil.cli;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.DatabaseImageCache;
import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.DefaultSignatures;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.clamav.ldb.ImageDecoding;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.EngineImage;
import dev.vigil.engine.image.ImageFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/** Fills an engine builder from the -d arguments, in order, or with the built-in defaults when there are none. */
final class Signatures {
    private Signatures() {
    }

    /** A database that could not be loaded; the message says which and why. */
    static final class LoadFailure extends Exception {
        LoadFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The engine image to load for {@code databases}, or null when they are ordinary databases: an image named by
     * -d (it holds a whole compiled engine, so it must come alone), or the image that {@code vigil compile -d DIR}
     * stored in a single -d directory for its current files ({@link DatabaseImageCache}). A stored image that cannot
     * be read (damaged, or from another Vigil version) is reported through {@code warn} and the databases are loaded
     * instead. With {@code moreRules} (YARA rules given besides) a stored image is not used, as it cannot take them.
     */
    static EngineImage.Loaded image(List<Path> databases, boolean detectPua, boolean moreRules, Consumer<String> warn)
            throws LoadFailure {
        if (databases.size() == 1 && Files.isDirectory(databases.get(0))) {
            if (moreRules) {
                return null;
            }
            Path stored = null;
            try {
                stored = DatabaseImageCache.find(databases.get(0), options(detectPua)).orElse(null);
                return stored == null ? null : EngineImage.read(stored, ImageDecoding.DECODER);
            } catch (IOException e) {
                warn.accept("WARNING: ignoring the engine image " + (stored == null ? databases.get(0) : stored) + ": "
                        + reason(e) + "; loading the databases instead");
                return null;
            }
        }
        Path image = null;
        try {
            for (Path db : databases) {
                if (EngineImage.isImage(db)) {
                    image = db;
                }
            }
            if (image == null) {
                return null;
            }
            if (databases.size() > 1) {
                throw new LoadFailure("an engine image (" + image + ") must be the only database", null);
            }
            return EngineImage.read(image, ImageDecoding.DECODER);
        } catch (IOException e) {
            throw new LoadFailure("Can't load " + (image == null ? databases : image) + ": " + reason(e), e);
        }
    }

    /** An image's own complaint, or the system's for a file that could not be read. */
    private static String reason(IOException e) {
        return e instanceof ImageFormatException ? e.getMessage() : Errors.strerror(e);
    }

    static LoadOptions options(boolean detectPua) {
        return LoadOptions.DEFAULT.withDetectPua(detectPua);
    }

    /**
     * Loads the signatures into {@code into} and returns clamscan's "Known viruses" count for them, which the loader
     * knows best (it also counts entries that clamscan counts but the engine does not hold as signatures).
     * {@code counted} receives the running count, so that it is known even when a later database fails.
     */
    static long load(List<Path> databases, boolean detectPua, EngineBuilder into, LongConsumer counted)
            throws LoadFailure {
        if (databases.isEmpty()) {
            int n = DefaultSignatures.addTo(into);
            counted.accept(n);
            return n;
        }
        ClamAvLoader loader = new ClamAvLoader(options(detectPua));
        long total = 0;
        for (Path db : databases) {
            try {
                total += loader.load(db, into);
                counted.accept(total);
            } catch (DatabaseException e) {
                throw new LoadFailure(e.getMessage(), e);
            } catch (IOException e) {
                throw new LoadFailure("Can't load " + db + ": " + Errors.strerror(e), e);
            } catch (RuntimeException e) {
                throw new LoadFailure("Can't load " + db + ": " + e, e);
            }
        }
        return total;
    }
}
