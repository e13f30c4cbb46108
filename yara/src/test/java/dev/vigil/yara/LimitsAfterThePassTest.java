package dev.vigil.yara;

import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.Detection;
import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Some YARA strings are searched after the pass, alone: atom-less strings whose rules first need another string
 * (YaraPatterns.afterPass), deferred strings that a condition asks about at one offset, and those that may reach the
 * match cap. A limit that stopped the pass (MaxScanSize, MaxScanTime) must stop them too: they read no byte past
 * what the pass read, and they stop at the deadline, which the scan result then reports.
 */
class LimitsAfterThePassTest {

    private static final int MIB = 1 << 20;
    private static final long FAR = 3L * MIB;

    private static final String RULES = """
            rule after_pass { strings: $k = "key=" $h = /[g-z]{6}/ condition: $k and $h }
            rule deferred_at { strings: $k = "key=" $d = "DEFERRED" condition: $k and $d at %d }
            """.formatted(FAR + 100);

    private static YaraRules rules() throws Exception {
        return new YaraCompiler().addSource(RULES, "default", "limits.yar").compile();
    }

    /** "key=" at the start, zeros, and far on the two strings searched after the pass. */
    private static byte[] data(int size) {
        byte[] d = new byte[size];
        put(d, 0, "key=");
        put(d, FAR, "ghijkl");
        put(d, FAR + 100, "DEFERRED");
        return d;
    }

    private static void put(byte[] d, long at, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, d, (int) at, b.length);
    }

    private static List<String> names(ScanResult r) {
        return r.detections().stream().map(Detection::name).sorted().toList();
    }

    /** The rules really use the searches outside the pass, and find both strings when no limit stops the scan. */
    @Test
    void bothStringsAreSearchedAfterThePassAndFoundWithoutLimits() throws Exception {
        YaraRules rules = rules();
        YaraPatterns p = (YaraPatterns) rules.patterns();
        assertThat(p.afterPassStrings).as("strings searched after the pass").hasSize(1);
        assertThat(p.deferred).as("deferred strings").contains(true);
        Engine engine = Engine.builder().add(p).build();
        RecordingInput in = new RecordingInput(data(4 * MIB), 0);
        ScanResult r = engine.scan(in, new ScanOptions(true, ScanLimits.NONE));
        assertThat(r.limitExceeded()).isNull();
        assertThat(names(r)).containsExactly("YARA.after_pass.UNOFFICIAL", "YARA.deferred_at.UNOFFICIAL");
    }

    @Test
    void nothingPastMaxScanSizeIsRead() throws Exception {
        Engine engine = Engine.builder().add(rules().patterns()).build();
        RecordingInput in = new RecordingInput(data(4 * MIB), 0);
        ScanResult r = engine.scan(in, new ScanOptions(true, ScanLimits.NONE.withMaxScanSize(MIB)));
        assertThat(r.limitExceeded()).isEqualTo("MaxScanSize");
        assertThat(r.bytesScanned()).isLessThan(FAR);
        assertThat(in.furthestRead).as("the furthest byte read").isLessThanOrEqualTo(r.bytesScanned());
        assertThat(names(r)).isEmpty();
    }

    /**
     * The pass reads the data quickly; once it is over (a read starts at offset 0 again), each read of a window of
     * 1 MiB or more takes 250 ms. The searches after the pass would read eight such windows per string (2 s each);
     * the 1 s deadline stops them after a few, and the result says MaxScanTime, although the pass itself finished.
     */
    @Test
    void theDeadlineStopsTheSearchesAfterThePass() throws Exception {
        Engine engine = Engine.builder().add(rules().patterns()).build();
        RecordingInput in = new RecordingInput(data(8 * MIB), 250);
        ScanResult r = engine.scan(in, new ScanOptions(true,
                ScanLimits.NONE.withMaxScanTime(Duration.ofMillis(1000))));
        assertThat(r.limitExceeded()).isEqualTo("MaxScanTime");
        assertThat(in.slowReads).as("windows read after the pass").isLessThanOrEqualTo(5);
    }

    /** Data in memory that records how far reads reached, and slows the window reads after the pass if asked to. */
    private static final class RecordingInput implements ScanInput {
        private final byte[] data;
        private final long slowMillis;
        long furthestRead;
        boolean passOver;
        int slowReads;

        RecordingInput(byte[] data, long slowMillis) {
            this.data = data;
            this.slowMillis = slowMillis;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public int read(long position, byte[] dst, int offset, int length) throws IOException {
            if (position >= data.length) {
                return 0;
            }
            if (position == 0 && furthestRead > MIB) {
                passOver = true;
            }
            int n = (int) Math.min(length, data.length - position);
            System.arraycopy(data, (int) position, dst, offset, n);
            furthestRead = Math.max(furthestRead, position + n);
            if (passOver && slowMillis > 0 && length >= MIB) {
                slowReads++;
                try {
                    Thread.sleep(slowMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            return n;
        }

        @Override
        public void close() {
        }
    }
}
