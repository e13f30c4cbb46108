package dev.vigil.engine.normalize;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares the normalised text with the file clamscan writes (with --leave-temps) in both of its code paths: the
 * in-memory one (no target-7 signature with a relative offset, so no window overlap is written when target 7 is
 * empty) and the file-backed one (a target-7 signature anchored at EOF-n forces it).
 */
class TextNormalizerClamscanTest {

    static Map<String, byte[]> cases() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("small", HtmlNormalizerClamscanTest.b("Hello   WORLD\tfoo\r\nbar\n\u0001x\u007fy\u00e9z \u00a0 \u000e end"));
        Random r = new Random(11);
        for (int i = 0; i < 6; i++) {
            int n = 200_000 + r.nextInt(400_000);
            byte[] b = new byte[n];
            for (int j = 0; j < n; j++) {
                int k = r.nextInt(20);
                b[j] = (byte) (k < 12 ? 'a' + r.nextInt(26) : k < 14 ? 'A' + r.nextInt(26) : k < 17 ? ' ' : k < 18 ? '\n'
                        : k < 19 ? r.nextInt(32) : 0x80 + r.nextInt(128));
            }
            // ClamAV types a file by its first 1 KiB: keep that part plain ASCII so the file is CL_TYPE_TEXT_ASCII
            for (int j = 0; j < 2048; j++) {
                b[j] = (byte) (j % 7 == 0 ? ' ' : 'a' + j % 26);
            }
            // whitespace runs around every page boundary, so ClamAV's window restarts fall inside them
            for (int page = 4096; page < n - 8; page += 4096) {
                Arrays.fill(b, page - 3, page + 3, (byte) ' ');
                b[page - 1] = (byte) 0x90; // a dropped byte inside the run
            }
            m.put("big" + i, b);
        }
        return m;
    }

    @Test
    void inMemoryPathMatchesClamscan(@TempDir Path tmp) throws Exception {
        compare(tmp, "VigilNever:0:*:00112233445566778899aabbccddeeff\n", 0, false);
    }

    @Test
    void fileBackedPathMatchesClamscan(@TempDir Path tmp) throws Exception {
        compare(tmp, "VigilNeverRel:7:EOF-3:0011223344\n", 5, true);
    }

    private void compare(Path tmp, String sig, int maxPatLen, boolean fileBacked) throws Exception {
        Oracles.assumeClamscan();
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path temps = Files.createDirectories(tmp.resolve("temps"));
        Path db = tmp.resolve("sig.ndb");
        Files.writeString(db, sig);
        Map<String, byte[]> cases = cases();
        for (var e : cases.entrySet()) {
            Files.write(in.resolve(e.getKey() + ".txt"), e.getValue());
        }
        Process p = new ProcessBuilder(Oracles.CLAMSCAN, "--no-summary", "--leave-temps", "--tempdir=" + temps,
                "-d", db.toString(), "-r", in.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        List<String> mismatches = new ArrayList<>();
        int restartEffects = 0;
        for (var e : cases.entrySet()) {
            byte[] theirs = normalisedTempFile(temps, e.getKey() + ".txt");
            byte[] onePass = TextNormalizer.normalize(e.getValue(), 0, e.getValue().length);
            if (!Arrays.equals(onePass, theirs)) {
                restartEffects++;
            }
            byte[] ours = TextNormalizer.normalize(ScanInput.of(e.getValue()),
                    TextNormalizer.DEFAULT_MAX_SCRIPT_NORMALIZE, maxPatLen, fileBacked, Long.MAX_VALUE);
            if (!Arrays.equals(ours, theirs)) {
                mismatches.add(e.getKey() + " (ours " + ours.length + " bytes, clamscan " + theirs.length + ")");
            }
        }
        assertThat(mismatches).isEmpty();
        // the data must exercise ClamAV's whitespace-flag resets, or this test would not check them
        assertThat(restartEffects).isPositive();
    }

    /** clamscan's layer directory for a file is "<name>.<random>"; the normalised text is its only *.tmp file. */
    private static byte[] normalisedTempFile(Path temps, String name) throws IOException {
        try (Stream<Path> s = Files.walk(temps)) {
            List<Path> hits = s.filter(f -> f.getFileName().toString().endsWith(".tmp") && Files.isRegularFile(f))
                    .filter(f -> f.getParent().getFileName().toString().startsWith(name + "."))
                    .toList();
            assertThat(hits).as("normalised temp file of " + name).hasSize(1);
            return Files.readAllBytes(hits.get(0));
        }
    }
}
