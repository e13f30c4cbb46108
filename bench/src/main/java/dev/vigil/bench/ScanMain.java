package dev.vigil.bench;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.EngineImage;
import dev.vigil.clamav.ldb.ImageDecoding;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The Vigil side of the side-by-side benchmark: loads databases, then scans files one after another on one thread,
 * printing {@code path: Name FOUND} like clamscan and, on stderr, one line of timings:
 * {@code vigil-timing load_ms=.. compile_ms=.. scan_ms=.. files=.. bytes=.. infected=.. signatures=..}.
 * <p>
 * Usage: {@code ScanMain -d DB [-d DB]... [-r] PATH...}. Independent of the CLI so that the benchmark measures the
 * engine with the same options as clamscan's defaults (first match, clamd's default limits).
 */
public final class ScanMain {
    private ScanMain() {
    }

    public static void main(String[] args) throws IOException {
        List<Path> databases = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        boolean recursive = false;
        Path writeImage = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-d", "--database" -> {
                    if (++i >= args.length) {
                        usage();
                    }
                    databases.add(Path.of(args[i]));
                }
                case "-r", "--recursive" -> recursive = true;
                case "--write-image" -> {
                    if (++i >= args.length) {
                        usage();
                    }
                    writeImage = Path.of(args[i]);
                }
                default -> targets.add(Path.of(args[i]));
            }
        }
        if (databases.isEmpty() || (targets.isEmpty() && writeImage == null)) {
            usage();
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        long t0 = System.nanoTime();
        Engine engine;
        long t1;
        try {
            if (databases.size() == 1 && EngineImage.isImage(databases.get(0))) {
                // a compiled engine image (vigil compile): read, nothing to compile
                engine = EngineImage.read(databases.get(0), ImageDecoding.DECODER).engine();
                t1 = System.nanoTime();
            } else {
                EngineBuilder builder = Engine.builder();
                ClamAvLoader loader = new ClamAvLoader(LoadOptions.DEFAULT);
                for (Path db : databases) {
                    loader.load(db, builder);
                }
                t1 = System.nanoTime();
                engine = builder.build();
            }
        } catch (DatabaseException | RuntimeException | java.io.IOException e) {
            // Exit code 2, as clamscan's for a database it cannot load (1 would read as "infected").
            System.err.println("ERROR: cannot load the database: " + e);
            System.exit(2);
            return;
        }
        long t2 = System.nanoTime();
        if (writeImage != null) {
            EngineImage.write(engine, engine.signatureCount(), writeImage);
            return;
        }

        long files = 0;
        long bytes = 0;
        long infected = 0;
        long errors = 0;
        for (Path target : targets) {
            List<Path> paths = new ArrayList<>();
            if (Files.isDirectory(target)) {
                if (!recursive) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(target)) {
                    walk.filter(Files::isRegularFile).forEach(paths::add);
                }
            } else {
                paths.add(target);
            }
            for (Path p : paths) {
                try {
                    ScanResult r = engine.scan(p, ScanOptions.DEFAULT);
                    files++;
                    bytes += r.size();
                    if (r.infected()) {
                        infected++;
                        out.println(p + ": " + r.detections().get(0).name() + " FOUND");
                    }
                } catch (IOException | RuntimeException e) {
                    errors++;
                    out.println(p + ": ERROR " + e);
                }
            }
        }
        long t3 = System.nanoTime();
        out.flush();
        System.err.printf(Locale.ROOT,
                "vigil-timing load_ms=%.1f compile_ms=%.1f scan_ms=%.1f files=%d bytes=%d infected=%d errors=%d signatures=%d%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, files, bytes, infected, errors, engine.signatureCount());
        System.exit(errors > 0 ? 2 : infected > 0 ? 1 : 0);
    }

    private static void usage() {
        System.err.println("usage: ScanMain -d DB|IMAGE [-d DB]... [-r] PATH...  |  ScanMain -d DB... --write-image IMAGE");
        System.exit(2);
    }
}
