package dev.vigil.bench.jmh;

import dev.vigil.bench.DatabaseGenerator;
import dev.vigil.bench.SourcePool;
import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Scan throughput of an engine holding the generated database, on 8 MiB of random bytes and on 8 MiB of real system
 * files laid end to end. All-match mode, so that a planted signature does not end the scan early: this measures the
 * matcher over the whole buffer. The {@code megabytes} counter reads as MB/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class ScanBenchmark {
    static final int DATA_SIZE = 8 << 20;

    @Param({"random", "binary"})
    public String data;

    private Engine engine;
    private byte[] bytes;
    private final ScanOptions options = ScanOptions.DEFAULT.withAllMatch(true);

    /** Bytes scanned, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Volume {
        public double megabytes;

        @Setup(Level.Iteration)
        public void reset() {
            megabytes = 0;
        }
    }

    @Setup
    public void setUp() throws IOException {
        engine = BenchDatabase.load(BenchDatabase.directory()).build();
        bytes = switch (data) {
            case "random" -> {
                byte[] b = new byte[DATA_SIZE];
                new SplittableRandom(42).nextBytes(b);
                yield b;
            }
            case "binary" -> SourcePool.load(DatabaseGenerator.DEFAULT_SOURCES, 2L * DATA_SIZE, 7).concatenated(DATA_SIZE);
            default -> throw new IllegalArgumentException("unknown data kind " + data);
        };
    }

    @Benchmark
    public ScanResult scan(Volume volume) {
        ScanResult r = engine.scan(bytes, options);
        volume.megabytes += bytes.length / 1e6;
        return r;
    }
}
