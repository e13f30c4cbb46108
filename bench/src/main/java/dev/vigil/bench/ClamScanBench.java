package dev.vigil.bench;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * In-process ClamAV scan measurement, the counterpart of {@link YaraScanBench}: loads a database, holds a sample of
 * a corpus in memory (files in a fixed shuffled order until {@code MB} megabytes) and scans it for several passes on
 * this thread in all-match mode (so a detection does not end a file's scan early), printing the thread's CPU time
 * per pass and the median of the warm passes.
 * <p>
 * Usage: {@code ClamScanBench DB CORPUS_DIR [MB] [PASSES]} (defaults 16 and 5).
 */
public final class ClamScanBench {
    private ClamScanBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ClamScanBench DB CORPUS_DIR [MB] [PASSES]");
            System.exit(2);
        }
        long maxBytes = (args.length > 2 ? Long.parseLong(args[2]) : 16) << 20;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        List<Path> files;
        try (Stream<Path> s = Files.walk(Path.of(args[1]))) {
            files = new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
        }
        Collections.shuffle(files, new Random(1)); // a mix of the corpus' kinds, the same in every run
        List<byte[]> data = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < files.size() && bytes < maxBytes; i++) {
            byte[] b = Files.readAllBytes(files.get(i));
            data.add(b);
            bytes += b.length;
        }
        EngineBuilder builder = Engine.builder();
        new ClamAvLoader(LoadOptions.DEFAULT).load(Path.of(args[0]), builder);
        Engine engine = builder.build();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ScanOptions options = ScanOptions.DEFAULT.withAllMatch(true);
        double[] mbps = new double[passes];
        for (int p = 0; p < passes; p++) {
            long t0 = mx.getCurrentThreadCpuTime();
            int detections = 0;
            for (byte[] b : data) {
                detections += engine.scan(b, options).detections().size();
            }
            double s = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
            mbps[p] = bytes / 1e6 / s;
            System.out.printf(Locale.ROOT, "pass %d: %.3f s CPU, %.1f MB/s, %d detections%n", p + 1, s, mbps[p],
                    detections);
        }
        if (passes > 1) {
            double[] warm = Arrays.copyOfRange(mbps, 1, passes);
            Arrays.sort(warm);
            System.out.printf(Locale.ROOT, "%d files, %.1f MB; warm median %.1f MB/s; load %s%n", data.size(),
                    bytes / 1e6, warm[warm.length / 2], Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }
}
