package dev.vigil.unpack.executables;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.cab.CabSfxUnpacker;
import dev.vigil.unpack.cab.CabUnpacker;
import dev.vigil.unpack.iso.IsoUnpacker;
import dev.vigil.unpack.pe.EmbeddedPeUnpacker;
import dev.vigil.unpack.szdd.SzddUnpacker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Round trips through inputs the tests write, and hostile variants that must end fast within limits. */
class ArchiveUnpackersTest {

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void cabMszipAcrossBlocksAndStored() throws Exception {
        byte[] text = "Vigil cabinet test line with some repetition. ".repeat(3000).getBytes(StandardCharsets.US_ASCII);
        byte[] data = new byte[text.length + 50_000];
        System.arraycopy(text, 0, data, 0, text.length);
        System.arraycopy(random(50_000, 1), 0, data, text.length, 50_000);
        List<TestData.CabFile> files = List.of(new TestData.CabFile("a.txt", 0, text.length),
                new TestData.CabFile("dir\\b.bin", text.length, 50_000));
        for (boolean mszip : new boolean[] {true, false}) {
            CollectingSink sink = new CollectingSink();
            new CabUnpacker().unpack(ScanInput.of(TestData.cab(data, files, mszip)), sink);
            assertThat(sink.children).extracting(c -> c.name()).containsExactly("a.txt", "dir\\b.bin");
            assertThat(sink.data.get(0)).isEqualTo(text);
            assertThat(sink.data.get(1)).isEqualTo(Arrays.copyOfRange(data, text.length, data.length));
        }
    }

    @Test
    @Timeout(10)
    void cabOverlappingFileBombStopsAtTheBudget() throws Exception {
        byte[] zeros = new byte[1 << 20];
        List<TestData.CabFile> files = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            files.add(new TestData.CabFile("f" + i, i % 2 == 0 ? (1 << 20) - 1 : 0, 1 << 20));
        }
        CollectingSink sink = new CollectingSink(CollectingSink.limits(100L << 20, 10_000, 64L << 20));
        new CabUnpacker().unpack(ScanInput.of(TestData.cab(zeros, files, true)), sink);
        assertThat(sink.limitsHit).anyMatch(s -> s.startsWith("MaxScanSize"));
        assertThat(sink.children.size()).isLessThan(200);
    }

    @Test
    void cabLyingSizesAndTruncation() throws Exception {
        byte[] data = random(5000, 2);
        byte[] cab = TestData.cab(data, List.of(new TestData.CabFile("big", 0, 0xfffffff0L),
                new TestData.CabFile("ok", 0, 5000)), true);
        CollectingSink sink = new CollectingSink();
        new CabUnpacker().unpack(ScanInput.of(cab), sink);
        assertThat(sink.limitsHit).anyMatch(s -> s.startsWith("MaxFileSize"));
        assertThat(sink.data).hasSize(1);
        assertThat(sink.data.getFirst()).isEqualTo(data);

        CollectingSink truncated = new CollectingSink();
        new CabUnpacker().unpack(ScanInput.of(Arrays.copyOf(cab, cab.length - 100)), truncated);
        assertThat(truncated.data).allMatch(d -> d.length < 5000);
        assertThatThrownBy(() -> new CabUnpacker().unpack(ScanInput.of(Arrays.copyOf(cab, 40)), new CollectingSink()))
                .isInstanceOf(UnpackException.class);
    }

    @Test
    void szddExpandsAndStopsAtTheFlushBoundaryPastTheDeclaredSize() throws Exception {
        byte[] plain = "SZDD round trip".getBytes(StandardCharsets.US_ASCII);
        CollectingSink sink = new CollectingSink();
        new SzddUnpacker().unpack(ScanInput.of(TestData.szdd(plain, plain.length, 0)), sink);
        assertThat(sink.data.getFirst()).isEqualTo(plain);

        // 100,000 matches of 18 bytes would give 1.8 MB; the header says 10 bytes, so output ends at 2 KiB.
        CollectingSink bomb = new CollectingSink();
        new SzddUnpacker().unpack(ScanInput.of(TestData.szdd(plain, 10, 100_000)), bomb);
        assertThat(bomb.data.getFirst()).hasSize(2048);

        CollectingSink huge = new CollectingSink();
        new SzddUnpacker().unpack(ScanInput.of(TestData.szdd(plain, 0xffffffffL, 10)), huge);
        assertThat(huge.children).isEmpty();
        assertThat(huge.limitsHit).anyMatch(s -> s.startsWith("MaxFileSize"));
    }

    @Test
    void isoFilesAndSubdirectories() throws Exception {
        byte[] content = "file in a sub directory".getBytes(StandardCharsets.US_ASCII);
        byte[] sub = new byte[2048];
        byte[] rec = TestData.directoryRecord(new TestData.IsoRecord("INNER.TXT;1", 20, content.length, false));
        System.arraycopy(rec, 0, sub, 0, rec.length);
        byte[] img = TestData.iso(List.of(new TestData.IsoRecord("SUB", 19, 2048, true)), List.of(sub, content));
        CollectingSink sink = new CollectingSink();
        new IsoUnpacker().unpack(ScanInput.of(img), sink);
        assertThat(sink.children).extracting(c -> c.name()).containsExactly("SUB/INNER.TXT");
        assertThat(sink.data.getFirst()).isEqualTo(content);
    }

    @Test
    @Timeout(10)
    void isoCyclesAndLyingSizesEndFast() throws Exception {
        // A directory that contains itself and its parent under new names, 60 times, and files with lying sizes.
        List<TestData.IsoRecord> root = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            root.add(new TestData.IsoRecord("LOOP" + i, 18, 2048, true));
            root.add(new TestData.IsoRecord("BIG" + i, 19, 0x7fffffff, false));
        }
        byte[] img = TestData.iso(root, List.of(new byte[2048]));
        CollectingSink sink = new CollectingSink();
        long t0 = System.nanoTime();
        new IsoUnpacker().unpack(ScanInput.of(img), sink);
        assertThat(System.nanoTime() - t0).isLessThan(5_000_000_000L);
        assertThat(sink.children).isEmpty();
    }

    @Test
    void embeddedPeRunsToTheEndWithinMaxEmbeddedPe() throws Exception {
        byte[] inner = TestData.pe(0x1000, List.of(new TestData.Sec(".text", 0x1000, 0x200, new byte[0x200])));
        byte[] outer = TestData.pe(0x1000, List.of(new TestData.Sec(".text", 0x1000, 0x200, new byte[0x200])));
        byte[] file = new byte[outer.length + 13 + inner.length];
        System.arraycopy(outer, 0, file, 0, outer.length);
        System.arraycopy(inner, 0, file, outer.length + 13, inner.length);
        CollectingSink sink = new CollectingSink();
        new EmbeddedPeUnpacker().unpack(ScanInput.of(file), sink);
        assertThat(sink.children).extracting(c -> c.name()).containsExactly("embedded-pe@" + (outer.length + 13));
        assertThat(sink.data.getFirst()).isEqualTo(inner);

        CollectingSink small = new CollectingSink(new dev.vigil.unpack.UnpackLimits(0, 1 << 20, 17, 100,
                inner.length - 1, java.time.Duration.ofSeconds(1)));
        new EmbeddedPeUnpacker().unpack(ScanInput.of(file), small);
        assertThat(small.children).isEmpty();
    }

    @Test
    @Timeout(10)
    void manyEmbeddedPeHeadersStopAtMaxFiles() throws Exception {
        byte[] inner = TestData.pe(0x1000, List.of(new TestData.Sec(".text", 0x1000, 0x200, new byte[16])));
        byte[] file = new byte[inner.length * 3000];
        for (int i = 0; i < 3000; i++) {
            System.arraycopy(inner, 0, file, i * inner.length, inner.length);
        }
        CollectingSink sink = new CollectingSink(CollectingSink.limits(100L << 20, 50, 0));
        new EmbeddedPeUnpacker().unpack(ScanInput.of(file), sink);
        assertThat(sink.children).hasSize(50);
        assertThat(sink.limitsHit).anyMatch(s -> s.startsWith("MaxFiles"));
    }

    @Test
    void cabinetsInsideOtherFilesAreFoundAndDelimited() throws Exception {
        byte[] data = "inner cabinet file".getBytes(StandardCharsets.US_ASCII);
        byte[] cab = TestData.cab(data, List.of(new TestData.CabFile("in.txt", 0, data.length)), true);
        byte[] fake = Arrays.copyOf(cab, 40); // magic and a header without folders or files: not a cabinet
        Arrays.fill(fake, 8, 40, (byte) 0);
        TestData.put32(fake, 8, 40);
        byte[] file = new byte[300 + fake.length + cab.length + 50];
        file[0] = 'M';
        file[1] = 'Z';
        System.arraycopy(fake, 0, file, 300, fake.length);
        System.arraycopy(cab, 0, file, 300 + fake.length, cab.length);
        CollectingSink sink = new CollectingSink();
        new CabSfxUnpacker().unpack(ScanInput.of(file), sink);
        assertThat(sink.children).extracting(c -> c.name()).containsExactly("cab@" + (300 + fake.length));
        assertThat(sink.children.getFirst().containerType()).isEqualTo("CL_TYPE_MSEXE");
        assertThat(sink.data.getFirst()).isEqualTo(cab);
    }
}
