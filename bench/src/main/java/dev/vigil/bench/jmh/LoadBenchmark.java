package dev.vigil.bench.jmh;

import dev.vigil.engine.Engine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Time to read the generated database and compile it into an engine (what clamscan spends before its first file).
 * Single-shot: a load takes seconds, and its first run (cold JIT) is what a command-line scan pays.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class LoadBenchmark {
    private Path db;

    @Setup
    public void locate() throws IOException {
        db = BenchDatabase.directory();
    }

    /** Parsing only: text lines into the IR. */
    @Benchmark
    public int parse() throws IOException {
        return BenchDatabase.load(db).signatureCount();
    }

    /** Parsing and compiling: a ready engine. */
    @Benchmark
    public Engine parseAndCompile() throws IOException {
        return BenchDatabase.load(db).build();
    }
}
