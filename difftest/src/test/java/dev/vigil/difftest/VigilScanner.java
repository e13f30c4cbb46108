package dev.vigil.difftest;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** Vigil's side of the comparison, through the library exactly as an embedding application would use it. */
public final class VigilScanner {

    private VigilScanner() {
    }

    /**
     * Loads the databases in order into one engine, as {@code clamscan -d A -d B} does.
     *
     * @throws DatabaseException when any of them is refused
     */
    public static Engine load(List<Path> databases) throws IOException, DatabaseException {
        EngineBuilder builder = Engine.builder();
        ClamAvLoader loader = new ClamAvLoader(LoadOptions.DEFAULT);
        for (Path db : databases) {
            loader.load(db, builder);
        }
        return builder.build();
    }

    /** Scans each input (relative to {@code root}) with the given all-match setting. */
    public static ScanOutcome scan(Engine engine, Path root, List<String> inputs, boolean allMatch) {
        ScanOptions options = ScanOptions.DEFAULT.withAllMatch(allMatch);
        TreeMap<String, SortedSet<String>> detections = new TreeMap<>();
        TreeMap<String, String> errors = new TreeMap<>();
        for (String rel : inputs) {
            try {
                ScanResult result = engine.scan(root.resolve(rel), options);
                SortedSet<String> names = new TreeSet<>();
                for (Detection d : result.detections()) {
                    names.add(d.name());
                }
                detections.put(rel, names);
            } catch (IOException e) {
                errors.put(rel, e.toString());
            }
        }
        return new ScanOutcome(detections, errors);
    }
}
