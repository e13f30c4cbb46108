package dev.vigil.bench;

import dev.vigil.yara.RuleMatch;
import dev.vigil.yara.YaraCompiler;
import dev.vigil.yara.YaraRules;
import dev.vigil.yara.YaraScanOptions;
import dev.vigil.yara.YaraScanResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * In-process YARA measurement: compiles one rules file a few times, then scans a corpus held in memory for several
 * passes on this thread, printing the thread's CPU time per compile and per pass, and the median of the warm passes
 * (all but the first). The CPU time of one thread stays meaningful on a busy machine; wall time does not.
 * <p>
 * Usage: {@code YaraScanBench RULES CORPUS_DIR [--passes N] [--compiles N] [--list]}; the externals of
 * signature-base ({@code filename filepath extension filetype owner}) are defined as empty strings, as the
 * side-by-side script does. {@code --list} prints {@code rule file} per match (to compare variants).
 */
public final class YaraScanBench {
    private YaraScanBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: YaraScanBench RULES CORPUS_DIR [--passes N] [--compiles N] [--list]");
            System.exit(2);
        }
        Path rulesFile = Path.of(args[0]);
        Path corpusDir = Path.of(args[1]);
        int passes = 5;
        int compiles = 1;
        boolean list = false;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--passes" -> passes = Integer.parseInt(args[++i]);
                case "--compiles" -> compiles = Integer.parseInt(args[++i]);
                case "--list" -> list = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(corpusDir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        List<byte[]> data = new ArrayList<>();
        long bytes = 0;
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            data.add(b);
            bytes += b.length;
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        YaraRules rules = null;
        for (int c = 0; c < compiles; c++) {
            long t0 = mx.getCurrentThreadCpuTime();
            YaraCompiler compiler = new YaraCompiler();
            for (String name : List.of("filename", "filepath", "extension", "filetype", "owner")) {
                compiler.defineExternal(name, "");
            }
            rules = compiler.addFile(rulesFile, "default").compile();
            System.out.printf(Locale.ROOT, "compile %d: %.3f s CPU, %d rules%n", c + 1,
                    (mx.getCurrentThreadCpuTime() - t0) / 1e9, rules.ruleCount());
        }
        double[] mbps = new double[passes];
        for (int p = 0; p < passes; p++) {
            long t0 = mx.getCurrentThreadCpuTime();
            int matches = 0;
            for (int i = 0; i < data.size(); i++) {
                YaraScanResult r = rules.scan(data.get(i), YaraScanOptions.DEFAULT);
                matches += r.matches().size();
                if (list && p == 0) {
                    for (RuleMatch m : r.matches()) {
                        System.out.println(m.name() + " " + files.get(i).getFileName());
                    }
                }
            }
            double s = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
            mbps[p] = bytes / 1e6 / s;
            System.out.printf(Locale.ROOT, "pass %d: %.3f s CPU, %.1f MB/s, %d matches%n", p + 1, s, mbps[p], matches);
        }
        if (passes > 1) {
            double[] warm = Arrays.copyOfRange(mbps, 1, passes);
            Arrays.sort(warm);
            System.out.printf(Locale.ROOT, "%d files, %.1f MB; warm median %.1f MB/s; load %s%n", data.size(),
                    bytes / 1e6, warm[warm.length / 2], Files.readString(Path.of("/proc/loadavg")).trim());
        }
    }
}
