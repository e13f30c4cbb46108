package dev.vigil.clamav.hex;

import dev.vigil.clamav.Clamscan;
import dev.vigil.clamav.SignatureSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every pattern of the corpus must be accepted by the parser exactly when clamscan loads it as an ndb signature,
 * for a target with ClamAV's prefilter (0) and one without (3).
 */
class HexPatternParserOracleTest {

    static List<String> corpus() throws IOException {
        try (InputStream in = HexPatternParserOracleTest.class.getResourceAsStream("corpus.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>();
            for (String l : text.split("\n", -1)) {
                if (!l.isEmpty()) {
                    lines.add(l);
                }
            }
            return lines;
        }
    }

    /** Static patterns in target 0 take ClamAV's Boyer-Moore path instead; the ndb reader covers those. */
    static boolean boyerMoore(String hex, int target) {
        return target == 0 && hex.chars().noneMatch(c -> "{*?([".indexOf(c) >= 0);
    }

    @Test
    void acceptsExactlyWhatClamscanLoads(@TempDir Path dir) throws Exception {
        Clamscan.assumeAvailable();
        Path empty = Files.createFile(dir.resolve("empty"));
        List<String> patterns = corpus();
        record Case(String hex, int target, Future<Boolean> clamav) {
        }
        List<Case> cases = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            int id = 0;
            for (String hex : patterns) {
                for (int target : new int[] {0, 3}) {
                    if (boyerMoore(hex, target)) {
                        continue;
                    }
                    Path db = dir.resolve("p" + (id++) + ".ndb");
                    Files.writeString(db, "T:" + target + ":*:" + hex + "\n");
                    cases.add(new Case(hex, target, pool.submit(() -> Clamscan.load(db, empty).loaded())));
                }
            }
            List<String> mismatches = new ArrayList<>();
            for (Case c : cases) {
                boolean ours;
                String why = "";
                try {
                    HexPatternParser.parse(c.hex, c.target);
                    ours = true;
                } catch (SignatureSyntaxException e) {
                    ours = false;
                    why = e.getMessage();
                }
                if (ours != c.clamav.get()) {
                    mismatches.add("target " + c.target + " '" + c.hex + "': clamscan " + (c.clamav.get() ? "loads" : "refuses")
                            + ", Vigil " + (ours ? "accepts" : "refuses (" + why + ")"));
                }
            }
            assertThat(mismatches).isEmpty();
            assertThat(cases).hasSizeGreaterThan(200);
        }
    }
}
