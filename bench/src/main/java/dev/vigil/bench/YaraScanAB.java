package dev.vigil.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Interleaved A/B of two builds of the YARA side on a shared, noisy machine: both jars (e.g. two copies of
 * benchmarks.jar) are loaded into this JVM through their own class loaders, each compiles the rules, and the scan
 * passes alternate A, B, B, A, ... on one thread. Load from other processes then hits both sides alike, and the
 * median of the per-pass time ratios is far steadier than separate runs.
 *
 * <p>Usage: {@code YaraScanAB A.jar B.jar RULES CORPUS_DIR [PASSES]}; run it pinned ({@code taskset -c 1}).
 */
public final class YaraScanAB {

    private YaraScanAB() {
    }

    /** One build: its compiled rules and the reflective handles to scan with them. */
    private record Side(Object rules, Method scan, Object options, Method matches) {
        static Side load(Path jar, Path rulesFile) throws Exception {
            ClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class<?> compilerClass = loader.loadClass("dev.vigil.yara.YaraCompiler");
            Object compiler = compilerClass.getConstructor().newInstance();
            Method define = compilerClass.getMethod("defineExternal", String.class, Object.class);
            for (String name : List.of("filename", "filepath", "extension", "filetype", "owner")) {
                define.invoke(compiler, name, "");
            }
            compilerClass.getMethod("addFile", Path.class, String.class).invoke(compiler, rulesFile, "default");
            Object rules = compilerClass.getMethod("compile").invoke(compiler);
            Class<?> optionsClass = loader.loadClass("dev.vigil.yara.YaraScanOptions");
            return new Side(rules, rules.getClass().getMethod("scan", byte[].class, optionsClass),
                    optionsClass.getField("DEFAULT").get(null),
                    loader.loadClass("dev.vigil.yara.YaraScanResult").getMethod("matches"));
        }

        int scanAll(List<byte[]> data) throws Exception {
            int n = 0;
            for (byte[] d : data) {
                n += ((List<?>) matches.invoke(scan.invoke(rules, d, options))).size();
            }
            return n;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: YaraScanAB A.jar B.jar RULES CORPUS_DIR [PASSES]");
            System.exit(2);
        }
        int passes = args.length > 4 ? Integer.parseInt(args[4]) : 16;
        List<byte[]> data = new ArrayList<>();
        long bytes = 0;
        try (Stream<Path> s = Files.walk(Path.of(args[3]))) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                byte[] b = Files.readAllBytes(f);
                data.add(b);
                bytes += b.length;
            }
        }
        Path rules = Path.of(args[2]);
        Side a = Side.load(Path.of(args[0]), rules);
        Side b = Side.load(Path.of(args[1]), rules);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[] ta = new double[passes];
        double[] tb = new double[passes];
        double[] ratio = new double[passes];
        for (int p = 0; p < passes; p++) {
            for (int k = 0; k < 2; k++) {
                boolean isA = (p + k) % 2 == 0;
                long t0 = mx.getCurrentThreadCpuTime();
                int matches = (isA ? a : b).scanAll(data);
                double t = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
                if (isA) {
                    ta[p] = t;
                } else {
                    tb[p] = t;
                }
                if (p == 0) {
                    System.out.println((isA ? "A" : "B") + " matches " + matches);
                }
            }
            ratio[p] = ta[p] / tb[p];
            System.out.printf(Locale.ROOT, "pass %d: A %.3f s, B %.3f s, A/B %.3f%n", p + 1, ta[p], tb[p], ratio[p]);
        }
        if (passes < 3) {
            return;
        }
        // the first two passes are left out: JIT compilation of both sides
        double[] wa = Arrays.copyOfRange(ta, 2, passes);
        double[] wb = Arrays.copyOfRange(tb, 2, passes);
        double[] wr = Arrays.copyOfRange(ratio, 2, passes);
        Arrays.sort(wa);
        Arrays.sort(wb);
        Arrays.sort(wr);
        System.out.printf(Locale.ROOT, "warm medians: A %.1f MB/s, B %.1f MB/s; median A/B time ratio %.3f (above 1: B"
                + " faster); load %s%n", bytes / 1e6 / wa[wa.length / 2], bytes / 1e6 / wb[wb.length / 2],
                wr[wr.length / 2], Files.readString(Path.of("/proc/loadavg")).trim());
    }
}
