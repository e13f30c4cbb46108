package dev.vigil.cli;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.DefaultSignatures;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.clamav.ldb.ImageDecoding;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.EngineImage;
import dev.vigil.engine.image.ImageFormatException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
     * Loads the signatures into {@code into} and returns clamscan's "Known viruses" count for them, which the loader
     * knows best (it also counts entries that clamscan counts but the engine does not hold as signatures).
     * {@code counted} receives the running count, so that it is known even when a later database fails.
     */
    /**
     * The engine image named by {@code databases}, or null when they are ordinary databases. An image holds a whole
     * compiled engine, so it must come alone.
     */
    static EngineImage.Loaded image(List<Path> databases) throws LoadFailure {
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
            throw new LoadFailure("Can't load " + (image == null ? databases : image) + ": "
                    + (e instanceof ImageFormatException ? e.getMessage() : Errors.strerror(e)), e);
        }
    }

    static long load(List<Path> databases, boolean detectPua, EngineBuilder into, LongConsumer counted)
            throws LoadFailure {
        if (databases.isEmpty()) {
            int n = DefaultSignatures.addTo(into);
            counted.accept(n);
            return n;
        }
        ClamAvLoader loader = new ClamAvLoader(LoadOptions.DEFAULT.withDetectPua(detectPua));
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
