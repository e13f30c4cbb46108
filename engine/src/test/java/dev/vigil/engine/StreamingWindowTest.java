package dev.vigil.engine;

import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Matches that straddle the matcher's 1 MiB windows are found at the right offsets, from every kind of input. */
class StreamingWindowTest {
    private static final int MIB = 1 << 20;

    private static Part literal(String s) {
        List<PatternNode> nodes = new ArrayList<>();
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            nodes.add(ByteSet.of(b));
        }
        return new Part(nodes);
    }

    private static void put(byte[] data, long at, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, data, (int) at, b.length);
    }

    @Test
    void windowBoundariesDoNotHideMatches(@TempDir Path dir) throws Exception {
        byte[] data = new byte[20 * MIB + 123];  // over the 8 MiB in-memory limit for streams: exercises spooling
        new Random(7).nextBytes(data);
        Map<String, Long> expected = new TreeMap<>();
        EngineBuilder b = Engine.builder();
        int i = 0;
        // Markers every 4099 bytes: whatever the window sizes, every window edge falls inside some marker.
        for (long at = 4099; at < data.length - 64; at += 4099) {
            String marker = String.format("VIGIL-MARKER-%05d", i);
            put(data, at, marker);
            b.add(new BodySignature("M" + i, 0, new OffsetSpec.Any(), BodyPattern.of(literal(marker))));
            expected.put("M" + i, at);
            i++;
        }
        // A two-part pattern whose parts are several windows apart, and one at an absolute offset past a window.
        put(data, 1000, "FIRST-PART-XYZ");
        put(data, 5L * MIB + 30, "SECOND-PART-XYZ");
        b.add(new BodySignature("Chain", 0, new OffsetSpec.Any(),
                new BodyPattern(List.of(literal("FIRST-PART-XYZ"), literal("SECOND-PART-XYZ")), List.of(Gap.ANY))));
        expected.put("Chain", 1000L);
        put(data, 2L * MIB + 50, "ABSOLUTE-HERE");
        b.add(new BodySignature("Abs", 0, new OffsetSpec.Absolute(2L * MIB + 50, 0), BodyPattern.of(literal("ABSOLUTE-HERE"))));
        expected.put("Abs", 2L * MIB + 50);
        put(data, data.length - 10, "AT-THE-END");
        b.add(new BodySignature("End", 0, new OffsetSpec.FromEnd(10, 0), BodyPattern.of(literal("AT-THE-END"))));
        expected.put("End", data.length - 10L);
        b.add(new HashSignature("Whole", HashAlgorithm.SHA256, MessageDigest.getInstance("SHA-256").digest(data),
                data.length, HashScope.FILE));
        expected.put("Whole", -1L);
        Engine engine = b.build();

        Path file = dir.resolve("big.bin");
        Files.write(file, data);
        ScanOptions all = ScanOptions.DEFAULT.withAllMatch(true);
        assertThat(found(engine.scan(data, all))).isEqualTo(expected);
        assertThat(found(engine.scan(file, all))).isEqualTo(expected);
        assertThat(found(engine.scan(new ByteArrayInputStream(data), all))).isEqualTo(expected);
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".spool")).toList())
                    .as("spool files are deleted after the scan").isEmpty();
        }
    }

    @Test
    void windowsKeepTheBytesThatFarLookAroundsRead() throws Exception {
        // Each marker needs a byte about 4000 bytes before (or after) it: nearly every window edge falls between a
        // marker and its anchor byte, so a window that kept too little history would lose matches.
        int distance = 4000;
        byte[] data = new byte[3 * MIB + 77];
        Map<String, Long> expected = new TreeMap<>();
        EngineBuilder b = Engine.builder();
        int i = 0;
        for (long at = distance + 16; at + 32 + distance < data.length; at += 4099, i++) {
            String marker = String.format("VIGIL-ANCHORED-%05d", i);
            put(data, at, marker);
            put(data, at - 1 - (distance - 7), "Q");
            put(data, at + marker.length() + distance - 7, "R");
            for (boolean behind : new boolean[] {true, false}) {
                List<PatternNode> nodes = new ArrayList<>(literal(marker).nodes());
                LookAround anchor = LookAround.at(behind, ByteSet.of(behind ? 'Q' : 'R'), distance - 10, distance);
                if (behind) {
                    nodes.addFirst(anchor);
                } else {
                    nodes.add(anchor);
                }
                String name = (behind ? "B" : "A") + i;
                b.add(new BodySignature(name, 0, new OffsetSpec.Any(), BodyPattern.of(new Part(nodes))));
                expected.put(name, at);
            }
        }
        // The anchor bytes are at the distance's edge: one byte farther and none of these match.
        b.add(new BodySignature("TooFar", 0, new OffsetSpec.Any(), BodyPattern.of(new Part(List.of(
                LookAround.at(true, ByteSet.of('Q'), 0, distance - 8), ByteSet.of('V'), ByteSet.of('I'))))));
        Engine engine = b.build();
        assertThat(found(engine.scan(data, ScanOptions.DEFAULT.withAllMatch(true)))).isEqualTo(expected);
    }

    private static Map<String, Long> found(ScanResult r) {
        Map<String, Long> m = new TreeMap<>();
        r.detections().forEach(d -> m.put(d.name(), d.offset()));
        return m;
    }
}
