package dev.vigil.daemon;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.HashSegmentCache;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.clamav.cvd.CvdContainer;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.yara.YaraCompileException;
import dev.vigil.yara.YaraCompiler;
import dev.vigil.yara.YaraRules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Loads a clamd {@code DatabaseDirectory}: the ClamAV databases in clamscan's order and the {@code .yar/.yara} rule
 * files beside them compiled as one rule set into the same engine, as {@code vigil scan -d DIR} does.
 */
public final class DatabaseLoader {
    private final boolean detectPua;

    public DatabaseLoader(boolean detectPua) {
        this.detectPua = detectPua;
    }

    /** Loads the directory; a malformed database fails the whole load with a message naming it. */
    public Database load(Path directory) throws DatabaseLoadException {
        return load(directory, null);
    }

    /**
     * Loads the directory again beside {@code previous} (the database in service, or null): the hash database files
     * that did not change are not parsed again, their hash segments are taken over from {@code previous}
     * ({@link ClamAvLoader#reuseHashSegments}). The result is the same as a load from scratch.
     */
    public Database load(Path directory, Database previous) throws DatabaseLoadException {
        long start = System.nanoTime();
        LoadCollector collector = new LoadCollector();
        EngineBuilder builder = Engine.builder().betweenBuildStages(collector::collectIfGrown);
        long count;
        ClamAvLoader clamav = new ClamAvLoader(LoadOptions.DEFAULT.withDetectPua(detectPua))
                .afterEachDatabase(collector::collectIfGrown)
                .reuseHashSegments(previous == null ? HashSegmentCache.EMPTY : previous.hashSegments());
        try {
            count = clamav.load(directory, builder);
            YaraRules yara = compileYara(directory);
            if (yara != null) {
                builder.add(yara.patterns());
                count += yara.ruleCount();
            }
        } catch (DatabaseException e) {
            throw new DatabaseLoadException(e.getMessage(), e);
        } catch (IOException e) {
            throw new DatabaseLoadException("Can't load " + directory + ": " + e, e);
        } catch (RuntimeException e) {
            throw new DatabaseLoadException("Can't load " + directory + ": " + e, e);
        }
        Engine engine;
        try {
            engine = builder.build();
        } catch (RuntimeException e) {
            throw new DatabaseLoadException("Can't compile the signatures of " + directory + ": " + e, e);
        }
        int dailyVersion = 0;
        Instant dailyTime = null;
        CvdContainer.Header daily = dailyHeader(directory);
        if (daily != null) {
            dailyVersion = daily.version();
            dailyTime = Instant.ofEpochSecond(daily.buildTimeSeconds());
        }
        return new Database(engine, directory, count, dailyVersion, dailyTime, Instant.now(),
                (System.nanoTime() - start) / 1_000_000, clamav.hashSegments());
    }

    /** The header of the daily database that clamd would take its version from: the newer of .cld and .cvd. */
    private static CvdContainer.Header dailyHeader(Path directory) {
        CvdContainer.Header best = null;
        for (String name : List.of("daily.cld", "daily.cvd")) {
            Path p = directory.resolve(name);
            if (Files.isRegularFile(p)) {
                try {
                    CvdContainer.Header h = CvdContainer.readHeader(p);
                    if (best == null || h.version() > best.version()) {
                        best = h;
                    }
                } catch (IOException | DatabaseException | RuntimeException e) {
                    // the loader already accepted it; a header it cannot re-read only loses the version display
                }
            }
        }
        return best;
    }

    private static YaraRules compileYara(Path directory) throws IOException, DatabaseLoadException {
        if (!Files.isDirectory(directory)) {
            return null;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(directory)) {
            files = s.filter(p -> isYara(p) && Files.isRegularFile(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        }
        if (files.isEmpty()) {
            return null;
        }
        YaraCompiler compiler = new YaraCompiler();
        for (Path f : files) {
            compiler.addFile(f, "default");
        }
        try {
            return compiler.compile();
        } catch (YaraCompileException e) {
            StringBuilder b = new StringBuilder("Can't load YARA rules:");
            e.errors().forEach(d -> b.append("\n  ").append(d.format()));
            throw new DatabaseLoadException(b.toString(), e);
        }
    }

    private static boolean isYara(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yar") || n.endsWith(".yara");
    }

    /**
     * Collects the garbage of each database read, and of each build stage, once it amounts to something. Parsing
     * and building leave several times a database's size in garbage, and the serial collector, rather than collect
     * the old generation, grows it to hold what young collections promote, so a reload beside the database in
     * service would otherwise peak with all of it at once (bench database: 607 MiB RSS without these collections, 531 MiB with them, from 286 MiB in
     * service; docs/daemon.md). Each collection costs a fraction of a second; reloads are rare.
     */
    static final class LoadCollector {
        private static final long THRESHOLD = 32L << 20;
        private long usedAfterLast = used();
        private int collections;

        void collectIfGrown() {
            if (used() - usedAfterLast >= THRESHOLD) {
                System.gc();
                collections++;
                usedAfterLast = used();
            }
        }

        int collections() {
            return collections;
        }

        private static long used() {
            Runtime r = Runtime.getRuntime();
            return r.totalMemory() - r.freeMemory();
        }
    }
}
