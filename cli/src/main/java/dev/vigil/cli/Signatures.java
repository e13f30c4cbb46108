package dev.vigil.cli;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.DefaultSignatures;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.EngineBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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

    static void load(List<Path> databases, boolean detectPua, EngineBuilder into) throws LoadFailure {
        if (databases.isEmpty()) {
            DefaultSignatures.addTo(into);
            return;
        }
        ClamAvLoader loader = new ClamAvLoader(LoadOptions.DEFAULT.withDetectPua(detectPua));
        for (Path db : databases) {
            try {
                loader.load(db, into);
            } catch (DatabaseException e) {
                throw new LoadFailure(e.getMessage(), e);
            } catch (IOException e) {
                throw new LoadFailure("Can't load " + db + ": " + Errors.strerror(e), e);
            } catch (RuntimeException e) {
                throw new LoadFailure("Can't load " + db + ": " + e, e);
            }
        }
    }
}
