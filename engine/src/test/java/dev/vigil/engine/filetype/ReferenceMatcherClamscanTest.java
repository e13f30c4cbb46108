package dev.vigil.engine.filetype;

import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.match.ReferenceMatcher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the reference matcher, meant as the oracle for the engine's fast matcher, against clamscan itself: body
 * patterns with wildcards, nibbles, alternatives and gaps are written as ndb signatures and searched in small
 * files over a four-letter alphabet (so that both hits and near misses are common); the set of (file, signature)
 * hits must be the same.
 */
class ReferenceMatcherClamscanTest {
    private static final List<String> PATTERNS = List.of(
            "41424344", "4142??4344", "4142??43??44", "4?4241", "41424?43", "(41|42)434344", "4142(43|44)41",
            "41424344*44434241", "4142{2}4344", "4142{0-3}4344", "4142{-2}4344", "4142{4-}4344", "4444{3-6}4141",
            "43434343*41414141", "4142434441{130}4243", "42424242", "4141(42|43)(43|44)41", "4241*4342*4443",
            "4?4?4241", "41414141{1-2}42424242");

    @Test
    void agreesWithClamscanOnWhichSignaturesMatch(@TempDir Path tmp) throws Exception {
        boolean present = Files.isExecutable(Path.of("/usr/bin/clamscan"));
        if (!Boolean.getBoolean("vigil.requireOracles")) {
            Assumptions.assumeTrue(present, "clamscan not installed");
        }
        Path db = tmp.resolve("patterns.ndb");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PATTERNS.size(); i++) {
            lines.add("Ref.P" + i + ":0:*:" + PATTERNS.get(i));
        }
        Files.write(db, lines);
        Random random = new Random(42);
        List<Path> files = new ArrayList<>();
        for (int f = 0; f < 40; f++) {
            byte[] data = new byte[120 + random.nextInt(300)];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) ('A' + random.nextInt(4));
            }
            Path p = tmp.resolve("data" + f + ".txt");
            Files.write(p, data);
            files.add(p);
        }

        TreeSet<String> expected = new TreeSet<>();
        for (Path p : files) {
            byte[] data = Files.readAllBytes(p);
            for (int i = 0; i < PATTERNS.size(); i++) {
                BodyPattern pattern = MagicPatternSyntax.parse(PATTERNS.get(i));
                if (ReferenceMatcher.find(pattern, data, 0, data.length) >= 0) {
                    expected.add(p.getFileName() + ":Ref.P" + i);
                }
                // The all-starts-at-once search must agree with the per-start enumeration.
                long minEnd = ReferenceMatcher.findAll(pattern, data, 0, data.length).stream()
                        .mapToLong(m -> m[1]).min().orElse(-1);
                assertThat(ReferenceMatcher.firstEnd(pattern, data, 0, data.length, 0, data.length))
                        .as("first end of P%d in %s", i, p.getFileName()).isEqualTo(minEnd);
            }
        }

        List<String> cmd = new ArrayList<>(List.of("/usr/bin/clamscan", "--allmatch", "--no-summary", "-d",
                db.toString()));
        files.forEach(p -> cmd.add(p.toString()));
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).as("clamscan exit status").isBetween(0, 1);
        TreeSet<String> actual = new TreeSet<>();
        for (String line : out.split("\n")) {
            if (line.endsWith(".UNOFFICIAL FOUND")) {
                String path = line.substring(0, line.indexOf(": "));
                String name = line.substring(line.indexOf(": ") + 2, line.indexOf(".UNOFFICIAL"));
                actual.add(Path.of(path).getFileName() + ":" + name);
            }
        }
        assertThat(expected.size()).as("hits").isBetween(40, files.size() * PATTERNS.size() - 40);
        TreeSet<String> onlyClamscan = new TreeSet<>(actual);
        onlyClamscan.removeAll(expected);
        TreeSet<String> onlyReference = new TreeSet<>(expected);
        onlyReference.removeAll(actual);
        assertThat(onlyClamscan).as("matched by clamscan only").isEmpty();
        assertThat(onlyReference).as("matched by the reference matcher only").isEmpty();
    }
}
