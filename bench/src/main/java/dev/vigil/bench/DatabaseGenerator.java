package dev.vigil.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Writes a ClamAV database directory shaped like the official one, for benchmarks: by default 1,000,000 hash
 * signatures (45 % .hsb SHA-256, 45 % .mdb section MD5, 10 % .hdb MD5) and 100,000 body signatures (55 % .ndb,
 * 45 % .ldb), with pattern bytes cut from real system files and then made rare (see {@link BodySignatureFactory}).
 * <p>
 * Usage: {@code DatabaseGenerator --seed N --out DIR [--hashes N] [--bodies N] [--source DIR]... [--pool-mb N]}.
 * The same seed and the same system files give the same bytes. {@value #PLANTED_LIST} in the output lists the real
 * files that the few planted (unmutated) signatures come from, so that a corpus can include them.
 */
public final class DatabaseGenerator {
    public static final String BASE_NAME = "vigil-bench";
    /** Raised whenever the output for a given seed changes, so that cached databases are regenerated. */
    public static final int GENERATOR_VERSION = 3;
    public static final String PLANTED_LIST = "planted-files.lst";
    public static final List<Path> DEFAULT_SOURCES = List.of(Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/bin"),
            Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib64"));

    /** Planted whole-file hash signatures (SHA-256 and MD5) for real files. */
    static final int PLANTED_HASHES = 8;

    /**
     * @param seed           seeds every random choice
     * @param hashSignatures number of .hsb + .mdb + .hdb lines
     * @param bodySignatures number of .ndb + .ldb lines
     * @param sourceDirs     directories of real files to cut patterns from
     * @param poolBytes      how much of those files to read
     */
    public record Config(long seed, int hashSignatures, int bodySignatures, List<Path> sourceDirs, long poolBytes) {
        public static Config defaults(long seed) {
            return new Config(seed, 1_000_000, 100_000, DEFAULT_SOURCES, 64L << 20);
        }

        public Config withCounts(int hashes, int bodies) {
            return new Config(seed, hashes, bodies, sourceDirs, poolBytes);
        }
    }

    /** Lines written per file, and how many body signatures are wildcard or planted ones. */
    public record Summary(Map<String, Integer> lines, int wildcardBodies, int plantedBodies, int plantedHashes,
                          List<String> plantedFiles) {
        public int total() {
            return lines.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private DatabaseGenerator() {
    }

    public static Summary generate(Config config, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        SourcePool pool = SourcePool.load(config.sourceDirs(), config.poolBytes(), config.seed());
        SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + 1);
        SignatureNames names = new SignatureNames(random.split());
        HashSignatureFactory hashes = new HashSignatureFactory(random.split(), names);
        BodySignatureFactory bodies = new BodySignatureFactory(pool, random.split(), names);

        int hsb = config.hashSignatures() * 45 / 100;
        int mdb = config.hashSignatures() * 45 / 100;
        int hdb = config.hashSignatures() - hsb - mdb;
        int ndb = config.bodySignatures() * 55 / 100;
        int ldb = config.bodySignatures() - ndb;

        List<Path> plantedHashFiles = plantedHashFiles(pool, random.split());
        List<String> plantedHsb = new ArrayList<>();
        List<String> plantedHdb = new ArrayList<>();
        for (int i = 0; i < plantedHashFiles.size(); i++) {
            boolean sha = i % 2 == 0;
            String line = hashes.plantedLine(plantedHashFiles.get(i), sha);
            (sha ? plantedHsb : plantedHdb).add(line);
        }
        plantedHsb = plantedHsb.subList(0, Math.min(plantedHsb.size(), hsb));
        plantedHdb = plantedHdb.subList(0, Math.min(plantedHdb.size(), hdb));

        Map<String, Integer> lines = new LinkedHashMap<>();
        lines.put(".hsb", write(outDir, ".hsb", plantedHsb, hsb, hashes::hsbLine));
        lines.put(".hdb", write(outDir, ".hdb", plantedHdb, hdb, hashes::hdbLine));
        lines.put(".mdb", write(outDir, ".mdb", List.of(), mdb, hashes::mdbLine));
        lines.put(".ndb", write(outDir, ".ndb", List.of(), ndb, bodies::ndbLine));
        lines.put(".ldb", write(outDir, ".ldb", List.of(), ldb, bodies::ldbLine));

        LinkedHashSet<String> planted = new LinkedHashSet<>(bodies.plantedFiles());
        plantedHashFiles.subList(0, plantedHsb.size() + plantedHdb.size()).forEach(p -> planted.add(p.toString()));
        Files.write(outDir.resolve(PLANTED_LIST), planted, StandardCharsets.UTF_8);
        return new Summary(lines, bodies.wildcardCount(), bodies.plantedCount(), plantedHsb.size() + plantedHdb.size(),
                List.copyOf(planted));
    }

    /** Writes planted lines first, then generated ones, {@code count} lines in all. Empty files are not written. */
    private static int write(Path dir, String extension, List<String> planted, int count, Supplier<String> next)
            throws IOException {
        Path file = dir.resolve(BASE_NAME + extension);
        if (count <= 0) {
            Files.deleteIfExists(file);
            return 0;
        }
        try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.US_ASCII),
                1 << 20)) {
            int n = 0;
            for (String line : planted) {
                w.write(line);
                w.write('\n');
                n++;
            }
            for (; n < count; n++) {
                w.write(next.get());
                w.write('\n');
            }
        }
        return count;
    }

    /** Small real files (below 4 MiB) of the pool, whose whole-file hashes become planted signatures. */
    private static List<Path> plantedHashFiles(SourcePool pool, SplittableRandom random) {
        List<Path> out = new ArrayList<>();
        List<SourcePool.Source> sources = pool.sources();
        for (int attempt = 0; attempt < 200 && out.size() < PLANTED_HASHES && !sources.isEmpty(); attempt++) {
            SourcePool.Source s = sources.get(random.nextInt(sources.size()));
            if (s.fileSize() < (4 << 20) && Files.isRegularFile(s.path()) && !out.contains(s.path())) {
                out.add(s.path());
            }
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        long seed = 1;
        Path out = null;
        int hashes = 1_000_000;
        int bodies = 100_000;
        long poolMb = 64;
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                usage("missing value after " + a);
            }
            switch (a) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--hashes" -> hashes = Integer.parseInt(args[++i]);
                case "--bodies" -> bodies = Integer.parseInt(args[++i]);
                case "--pool-mb" -> poolMb = Long.parseLong(args[++i]);
                case "--source" -> sources.add(Path.of(args[++i]));
                default -> usage("unknown option " + a);
            }
        }
        if (out == null) {
            usage("--out is required");
        }
        Config config = new Config(seed, hashes, bodies, sources.isEmpty() ? DEFAULT_SOURCES : sources, poolMb << 20);
        long t0 = System.nanoTime();
        Summary s = generate(config, out);
        System.out.printf("Wrote %,d signatures to %s in %.1f s (seed %d)%n", s.total(), out,
                (System.nanoTime() - t0) / 1e9, seed);
        s.lines().forEach((ext, n) -> System.out.printf("  %s%s: %,d%n", BASE_NAME, ext, n));
        System.out.printf("  body signatures with wildcards/alternates/ranges: %,d; planted body: %d, planted hash: %d%n",
                s.wildcardBodies(), s.plantedBodies(), s.plantedHashes());
    }

    private static void usage(String problem) {
        System.err.println("DatabaseGenerator: " + problem);
        System.err.println("usage: DatabaseGenerator --seed N --out DIR [--hashes N] [--bodies N] [--source DIR]... [--pool-mb N]");
        System.exit(2);
    }
}
