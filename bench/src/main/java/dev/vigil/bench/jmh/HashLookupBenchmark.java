package dev.vigil.bench.jmh;

import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Small-file scans against the generated database's one million hash signatures: files whose SHA-256 is listed
 * ({@code hit}), files of a listed size whose digests are not ({@code miss}), and, as the floor, computing the
 * digests alone with the JDK ({@code digestsOnly}). The difference between a scan and the floor is the lookup and
 * the rest of the per-file work. The engine's table is internal, so it is measured through {@code Engine.scan}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class HashLookupBenchmark {
    static final int FILES = 256;
    static final int FILE_SIZE = 4096;

    private Engine engine;
    private byte[][] listed;
    private byte[][] unlisted;

    @Setup
    public void setUp() throws IOException, NoSuchAlgorithmException {
        EngineBuilder builder = BenchDatabase.load(BenchDatabase.directory());
        SplittableRandom random = new SplittableRandom(3);
        listed = new byte[FILES][FILE_SIZE];
        unlisted = new byte[FILES][FILE_SIZE];
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < FILES; i++) {
            random.nextBytes(listed[i]);
            random.nextBytes(unlisted[i]);
            builder.add(new HashSignature("Bench.Hash.Listed-" + i, HashAlgorithm.SHA256, sha256.digest(listed[i]),
                    FILE_SIZE, HashScope.FILE));
        }
        engine = builder.build();
    }

    @Benchmark
    @OperationsPerInvocation(FILES)
    public void hit(Blackhole bh) {
        for (byte[] f : listed) {
            ScanResult r = engine.scan(f);
            bh.consume(r);
        }
    }

    @Benchmark
    @OperationsPerInvocation(FILES)
    public void miss(Blackhole bh) {
        for (byte[] f : unlisted) {
            bh.consume(engine.scan(f));
        }
    }

    /** The digests a hash scan of these files needs at least (MD5 for .hdb/.mdb-style tables, SHA-256 for .hsb). */
    @Benchmark
    @OperationsPerInvocation(FILES)
    public void digestsOnly(Blackhole bh) throws NoSuchAlgorithmException {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        for (byte[] f : unlisted) {
            bh.consume(md5.digest(f));
            bh.consume(sha256.digest(f));
        }
    }
}
