package dev.vigil.difftest.yara;

import dev.vigil.difftest.Oracles;
import dev.vigil.yara.YaraRules;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * YARA differential test: every rule set of {@code shared/signatures/yara} over the same corpus, with yara 4.5.2
 * and with Vigil's YaraRules; the (file, rule) pairs must be identical, and the string matches of the sampled files
 * too, apart from the differences listed in yara-known-differences.txt. See difftest/README.md for sizes and
 * {@code -Dvigil.difftest.yara.full=true}.
 */
class YaraDifferentialTest {
    private static List<Path> corpus;
    private static List<String> corpusNotes;

    @TestFactory
    Stream<DynamicTest> ruleSets() throws IOException {
        Path shared = Oracles.shared();
        YaraDiffSettings settings = YaraDiffSettings.fromSystemProperties();
        return YaraRuleSet.discover(shared, settings.full()).stream()
                .map(set -> DynamicTest.dynamicTest(set.name(), () -> compare(set, settings, shared)));
    }

    static synchronized List<Path> corpus(YaraDiffSettings settings, Path shared)
            throws IOException, InterruptedException {
        if (corpus == null) {
            YaraCorpus c = new YaraCorpus(settings);
            corpus = c.build(shared);
            corpusNotes = c.notes();
        }
        return corpus;
    }

    private static void compare(YaraRuleSet set, YaraDiffSettings settings, Path shared) throws Exception {
        requireYara();
        List<Path> files = corpus(settings, shared);
        if (set.name().equals("inquest")) {
            // 4 of InQuest's files need externals or do not compile at all: keep those yara compiles alone
            List<Path> kept = new ArrayList<>();
            for (Path f : set.files()) {
                if (YaraProcess.compiles(List.of(f), set.defineArgs())) {
                    kept.add(f);
                }
            }
            set = set.withFiles(kept);
        }
        assertThat(YaraProcess.compiles(set.files(), set.defineArgs())).as("yara compiles " + set.name()).isTrue();
        Path work = Files.createDirectories(settings.cache().resolve("work"));
        YaraReport expected = YaraProcess.scan(set, files, work);

        long compileStart = System.nanoTime();
        YaraRules rules = VigilYara.compile(set);
        long compileNanos = System.nanoTime() - compileStart;
        YaraReport actual = VigilYara.scan(rules, files);

        int every = settings.stringSampleEvery();
        List<String> differences = YaraComparison.differences(expected, actual,
                file -> Math.floorMod(file.hashCode(), every) == 0);
        Set<String> scanned = new HashSet<>();
        files.forEach(f -> scanned.add(f.toString()));
        List<String> stale = new ArrayList<>();
        List<String> unexpected = YaraKnownDifferences.load().unexpected(set.name(), differences, scanned, stale);
        String summary = set.name() + ": " + files.size() + " files, yara " + expected.ruleMatches()
                + " rule matches in " + expected.nanos / 1_000_000 + " ms, vigil " + actual.ruleMatches()
                + " in " + actual.nanos / 1_000_000 + " ms (compile " + compileNanos / 1_000_000 + " ms)"
                + (corpusNotes.isEmpty() ? "" : "; corpus notes: " + corpusNotes);
        System.out.println(summary);
        assertThat(unexpected).as(summary + "\nunexpected differences").isEmpty();
        assertThat(stale).as(summary + "\nstale known differences").isEmpty();
    }

    static void requireYara() {
        boolean present = YaraProcess.available();
        if (Oracles.required()) {
            assertThat(present).as("yara 4.5.2 at " + YaraProcess.YARA + " and -Dvigil.requireOracles=true").isTrue();
        } else {
            Assumptions.assumeTrue(present, "yara 4.5.2 is not installed; skipped");
        }
    }
}
