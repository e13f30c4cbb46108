package dev.vigil.difftest.yara;

import dev.vigil.difftest.Oracles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The harness itself, without Vigil's engine: corpus, rule sets, yara's output parsing, comparison. */
class YaraHarnessTest {
    @TempDir
    Path tmp;

    @Test
    void parsesWhatYaraPrints() throws Exception {
        YaraDifferentialTest.requireYara();
        YaraCorpus corpus = new YaraCorpus(new YaraDiffSettings(false, tmp));
        List<Path> files = corpus.generated();
        Path rules = tmp.resolve("r.yar");
        Files.writeString(rules, """
                rule xored { strings: $x = "VirtualAlloc" xor $y = "kernel32" xor(1-255) condition: any of them }
                rule b64 { strings: $b = "LoadLibraryA" base64 condition: $b }
                rule wide_word { strings: $w = "cmd.exe" wide fullword $h = { 68 00 74 00 } condition: any of them }
                rule words { strings: $f = "VirtualAlloc" fullword $ = "http" condition: any of them }
                """);
        YaraRuleSet set = new YaraRuleSet("t", List.of(rules), java.util.Map.of());
        YaraReport r = YaraProcess.scan(set, files, tmp);
        assertThat(r.matches).isNotEmpty();
        // the parsed hits print back as the start of yara's own lines
        List<String> cmd = new ArrayList<>(List.of(YaraProcess.YARA.toString(), "-w", "-L", "-X", rules.toString(),
                tmp.resolve("generated/xor-5a.bin").toString()));
        YaraProcess.Output o = YaraProcess.run(cmd, 60);
        List<String> lines = o.stdout().lines().filter(l -> l.startsWith("0x")).toList();
        List<YaraReport.Hit> hits = r.matches.get(tmp.resolve("generated/xor-5a.bin").toString()).values().stream()
                .flatMap(List::stream).toList();
        assertThat(lines).hasSameSizeAs(hits).isNotEmpty();
        for (int i = 0; i < lines.size(); i++) {
            String mine = hits.get(i).line();
            assertThat(lines.get(i)).startsWith(mine.substring(0, mine.length() - 1) + ",");
        }
        assertThat(r.matches.get(tmp.resolve("generated/xor-5a.bin").toString())).containsKey("xored");
        assertThat(r.matches.get(tmp.resolve("generated/base64.txt").toString())).containsKey("b64");
        assertThat(r.matches.get(tmp.resolve("generated/wide.bin").toString())).containsKey("wide_word");
    }

    @Test
    void parsesScanErrors() {
        YaraReport r = YaraProcess.parse("", "error scanning /x/y: could not open file\nwarning: other\n");
        assertThat(r.errors).containsEntry("/x/y", "could not open file");
    }

    @Test
    void generatedFilesAreDeterministic() throws Exception {
        List<Path> a = new YaraCorpus(new YaraDiffSettings(false, tmp.resolve("a"))).generated();
        List<Path> b = new YaraCorpus(new YaraDiffSettings(false, tmp.resolve("b"))).generated();
        assertThat(a).hasSameSizeAs(b).hasSizeGreaterThan(5);
        for (int i = 0; i < a.size(); i++) {
            assertThat(Files.readAllBytes(a.get(i))).isEqualTo(Files.readAllBytes(b.get(i)));
        }
    }

    @Test
    void debianPackagesGivePeFiles() throws Exception {
        YaraDiffSettings settings = YaraDiffSettings.fromSystemProperties();
        YaraCorpus corpus = new YaraCorpus(settings);
        List<Path> pe = corpus.peFilesOf("libz-mingw-w64");
        Assumptions.assumeFalse(pe.isEmpty(), "offline: " + corpus.notes());
        for (Path p : pe) {
            try (InputStream in = Files.newInputStream(p)) {
                assertThat(in.readNBytes(2)).containsExactly('M', 'Z');
            }
        }
    }

    @Test
    void ciRuleSetsCompileWithYara() throws Exception {
        YaraDifferentialTest.requireYara();
        List<YaraRuleSet> sets = YaraRuleSet.discover(Oracles.shared(), false);
        assertThat(sets).extracting(YaraRuleSet::name).contains("yara-rules/packers_index.yar", "signature-base",
                "bartblaze", "inquest");
        for (YaraRuleSet s : sets) {
            if (!s.name().equals("inquest")) {
                assertThat(YaraProcess.compiles(s.files(), s.defineArgs())).as(s.name()).isTrue();
            }
        }
        YaraRuleSet sb = sets.stream().filter(s -> s.name().equals("signature-base")).findFirst().orElseThrow();
        List<String> noDefines = List.of();
        assertThat(YaraProcess.compiles(sb.files(), noDefines)).as("signature-base needs its externals").isFalse();
    }

    @Test
    void comparisonNamesEveryDifference() {
        YaraReport y = new YaraReport();
        YaraReport v = new YaraReport();
        y.add("/f1", "a", List.of(new YaraReport.Hit(0, 3, "$s", 0)));
        y.add("/f1", "b", List.of());
        v.add("/f1", "a", List.of(new YaraReport.Hit(0, 3, "$s", 0), new YaraReport.Hit(16, 3, "$s", 0)));
        v.add("/f2", "c", List.of());
        y.errors.put("/f3", "could not open file");
        assertThat(YaraComparison.differences(y, v, f -> true)).containsExactly(
                "strings differ: /f1 -> a: #1 yara (none) | vigil 0x10:3:$s:xor(0x00) (1 vs 2 lines)",
                "only yara: /f1 -> b",
                "only vigil: /f2 -> c",
                "error differs: /f3: yara could not open file | vigil null");
        assertThat(YaraComparison.differences(y, v, f -> false)).hasSize(3);
    }

    @Test
    void knownDifferencesAreExact() throws Exception {
        YaraKnownDifferences k = new YaraKnownDifferences();
        k.read(new BufferedReader(new StringReader("# comment\nset\tonly yara: /f1 -> b\tsome reason\n"
                + "set\tonly vigil: /gone -> x\tanother reason\n")));
        List<String> stale = new ArrayList<>();
        List<String> unexpected = k.unexpected("set", List.of("only yara: /f1 -> b", "only vigil: /f2 -> c"),
                Set.of("/f1", "/f2", "/gone"), stale);
        assertThat(unexpected).containsExactly("only vigil: /f2 -> c");
        assertThat(stale).singleElement().asString().contains("/gone");
        List<String> staleElsewhere = new ArrayList<>();
        k.unexpected("set", List.of("only yara: /f1 -> b"), Set.of("/f1"), staleElsewhere);
        assertThat(staleElsewhere).isEmpty(); // /gone was not scanned in this run
    }
}
