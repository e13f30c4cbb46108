package dev.vigil.unpack.archive;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.DeepScanOptions;
import dev.vigil.unpack.DeepScanResult;
import dev.vigil.unpack.RecursiveScanner;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.Unpackers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every unpacker on hostile bytes, through the recursive scanner (which is how they run): the scan must return a
 * result within its limits, whatever the input. The unpacker under test is offered every object, whatever its type,
 * so that the fuzzer reaches it without first producing the right magic. Normal runs replay the seeds in
 * src/test/resources/.../UnpackersFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class UnpackersFuzzTest {
    private static final UnpackLimits SMALL = new UnpackLimits(8 << 20, 2 << 20, 4, 64, 1 << 20,
            Duration.ofSeconds(20));
    private static final Engine ENGINE = engine();

    @FuzzTest(maxDuration = "60s")
    void zip(byte[] data) throws IOException {
        fuzz(new ZipUnpacker(), data);
    }

    @FuzzTest(maxDuration = "60s")
    void gzip(byte[] data) throws IOException {
        fuzz(new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.GZIP), data);
    }

    @FuzzTest(maxDuration = "60s")
    void bzip2(byte[] data) throws IOException {
        fuzz(new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.BZIP2), data);
    }

    @FuzzTest(maxDuration = "60s")
    void xz(byte[] data) throws IOException {
        fuzz(new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.XZ), data);
    }

    @FuzzTest(maxDuration = "60s")
    void lzma(byte[] data) throws IOException {
        fuzz(new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.LZMA), data);
    }

    @FuzzTest(maxDuration = "60s")
    void tar(byte[] data) throws IOException {
        fuzz(new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.TAR), data);
    }

    @FuzzTest(maxDuration = "60s")
    void cpio(byte[] data) throws IOException {
        fuzz(new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.CPIO), data);
    }

    @FuzzTest(maxDuration = "60s")
    void arj(byte[] data) throws IOException {
        fuzz(new ArjUnpacker(), data);
    }

    /** The hand-written ARJ decoder alone: only IOException may come out, and never more than the declared size. */
    @FuzzTest(maxDuration = "60s")
    void arjDecoder(byte[] data) {
        if (data.length < 2) {
            return;
        }
        int method = 1 + (data[0] & 3) + ((data[0] & 4) != 0 ? 1 : 0);
        long declared = (data[1] & 0xff) * 97L;
        try (var in = new ArjDecoder(new java.io.ByteArrayInputStream(data, 2, data.length - 2), method,
                data.length - 2, declared)) {
            assertThat(in.readAllBytes().length).isLessThanOrEqualTo((int) declared);
        } catch (IOException expected) {
            // a damaged stream
        }
    }

    @FuzzTest(maxDuration = "60s")
    void ar(byte[] data) throws IOException {
        fuzz(new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.AR), data);
    }

    @FuzzTest(maxDuration = "60s")
    void sevenZip(byte[] data) throws IOException {
        fuzz(new SevenZipUnpacker(), data);
    }

    @FuzzTest(maxDuration = "60s")
    void embeddedZip(byte[] data) throws IOException {
        fuzz(new EmbeddedZipUnpacker(), data);
    }

    /** The shipped set, chosen by file type as in real scans. */
    @FuzzTest(maxDuration = "60s")
    void defaults(byte[] data) throws IOException {
        check(new RecursiveScanner(ENGINE, Unpackers.defaults(), SMALL), data);
    }

    private static void fuzz(Unpacker unpacker, byte[] data) throws IOException {
        check(new RecursiveScanner(ENGINE, List.of(always(unpacker)), SMALL), data);
    }

    private static void check(RecursiveScanner scanner, byte[] data) throws IOException {
        DeepScanResult r = scanner.scan(ScanInput.of(data), "fuzz", DeepScanOptions.DEFAULT.withAllMatch(true));
        assertThat(r.objectsScanned()).isBetween(1, SMALL.maxFiles() + 1);
        assertThat(r.bytesScanned()).isLessThanOrEqualTo(SMALL.maxScanSize());
    }

    private static Unpacker always(Unpacker u) {
        return new Unpacker() {
            @Override
            public String name() {
                return u.name();
            }

            @Override
            public boolean accepts(FileType type, ScanInput input) {
                return true;
            }

            @Override
            public void unpack(ScanInput input, ChildSink sink) throws IOException {
                u.unpack(input, sink);
            }
        };
    }

    private static Engine engine() {
        try {
            EngineBuilder b = Engine.builder();
            new ClamAvLoader(LoadOptions.DEFAULT).loadContent("fuzz.ndb",
                    "Test.Hello:0:*:68656c6c6f2073656564\n".getBytes(StandardCharsets.US_ASCII), b);
            return b.build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
