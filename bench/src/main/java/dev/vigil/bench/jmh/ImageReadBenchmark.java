package dev.vigil.bench.jmh;

import dev.vigil.clamav.ldb.ImageDecoding;
import dev.vigil.engine.EngineImage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Time to read the generated database's engine image ({@code vigil compile}) into a ready engine. Single-shot
 * iterations: the first ones show what a command-line scan pays with a cold JIT, the later ones the read path once
 * compiled (what a daemon's reload pays). The image is compiled once per fork, in a temporary file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 8)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmn16m"})
public class ImageReadBenchmark {
    private Path image;

    @Setup(Level.Trial)
    public void compile() throws IOException {
        var engine = BenchDatabase.load(BenchDatabase.directory()).build();
        image = Files.createTempFile("vigil-bench-", ".vimg");
        EngineImage.write(engine, engine.signatureCount(), image);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(image);
    }

    @Benchmark
    public EngineImage.Loaded read() throws IOException {
        return EngineImage.read(image, ImageDecoding.DECODER);
    }
}
