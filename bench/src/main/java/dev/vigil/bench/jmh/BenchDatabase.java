package dev.vigil.bench.jmh;

import dev.vigil.bench.DatabaseGenerator;
import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The database the JMH benchmarks load: the directory named by {@code -Dvigil.bench.db=DIR}, or else one generated
 * once with seed 1 and the default sizes and kept under the temporary directory for later runs.
 */
final class BenchDatabase {
    private static final String COMPLETE_MARKER = ".complete";

    private BenchDatabase() {
    }

    static Path directory() throws IOException {
        String configured = System.getProperty("vigil.bench.db");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path dir = Path.of(System.getProperty("java.io.tmpdir"),
                "vigil-bench-db-seed1-v" + DatabaseGenerator.GENERATOR_VERSION);
        if (!Files.exists(dir.resolve(COMPLETE_MARKER))) {
            DatabaseGenerator.generate(DatabaseGenerator.Config.defaults(1), dir);
            Files.createFile(dir.resolve(COMPLETE_MARKER));
        }
        return dir;
    }

    static EngineBuilder load(Path dir) throws IOException {
        EngineBuilder builder = Engine.builder();
        try {
            new ClamAvLoader(LoadOptions.DEFAULT).load(dir, builder);
        } catch (DatabaseException e) {
            throw new IllegalStateException("the benchmark database does not load: " + e.getMessage(), e);
        }
        return builder;
    }
}
