package dev.vigil.yara;

import dev.vigil.engine.exe.ExecutableInfo;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.EvaluationContext;
import dev.vigil.engine.ir.ExternalPatterns;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scan scratch is pooled per rule set: a scratch reused by later scans must give exactly what a fresh one gives, and
 * two scans alive at once (one nested in the other, or interleaved) must never share one.
 */
class ScanScratchReuseTest {
    /** Non-matching rules with their strings too, so that a scratch leaking between scans shows there as well. */
    private static final YaraScanOptions WITH_NOT_MATCHING = new YaraScanOptions(false, 0, true);


    /** More strings than NFA machines per scratch, so that strings share machines; most need the NFA. */
    private static final String[] STRINGS = {
        "/[a-z]+ing/", "/th[a-z]*e/ nocase", "/(ab|a)+c?d/", "/[a-z]{3,8}er\\b/ wide ascii",
        "/h[a-z]+o/ fullword", "/[0-9]+\\.[0-9]+/", "/a.*?z/", "/(the|then|there) [a-z]+/ wide",
        "/[a-z]+s\\b/", "/ri(n|ng)+/", "/[aeiou]{2,}/", "/b[a-z]*?g/ nocase",
        "/w[a-z]{2,}/ wide", "/[a-z]+ed/", "/qu[a-z]+/ ascii wide", "/(x|y|z)+[a-z]/",
        "/[A-Z][a-z]+/", "/o[a-z]*n\\b/", "/[a-z]+ly/ fullword", "{ 61 62 [1-30] 63 }",
        "{ 74 68 [0-700] 69 6E 67 }", "\"hello\" wide ascii nocase", "\"zz\" xor(1-3)", "/e[a-z]+ /",
    };
    private static final String[] WORDS = {
        "thing", "the", "ringing", "hello", "abcd", "then", "there", "quiet", "bigger", "walked", "ending",
        "queen", "zzz", "xyzzy", "only", "slowly", "open", "Banner", "3.14", "waiting", "aaaaaaaaad", "ab ab c",
    };

    @Test
    void reusedScratchGivesWhatAFreshOneGives() throws Exception {
        YaraRules shared = compile();
        List<byte[]> files = files(8);
        List<String> fresh = new ArrayList<>();
        for (byte[] f : files) {
            fresh.add(render(compile().scan(f, WITH_NOT_MATCHING)));
        }
        assertThat(fresh).as("the files must exercise the rules").allSatisfy(r -> assertThat(r).contains("$"));
        assertThat(new java.util.HashSet<>(fresh)).as("different files, different results").hasSize(files.size());
        // twice, the second time backwards: each scan finds scratch that other files left behind
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < files.size(); k++) {
                int i = round == 0 ? k : files.size() - 1 - k;
                assertThat(render(shared.scan(files.get(i), WITH_NOT_MATCHING))).as("file %d, round %d", i, round)
                        .isEqualTo(fresh.get(i));
            }
        }
        assertThat(shared.scanPatterns(WITH_NOT_MATCHING, files.get(0).length).scratchPool.idle())
                .as("scratch went back to the pool").isPositive();
    }

    /** The report's rules that did not match (listed on demand) are the others, in declaration order. */
    @Test
    void notMatchingHoldsTheOtherRulesInOrder() throws Exception {
        YaraRules rules = compile();
        for (byte[] f : files(3)) {
            YaraScanResult r = rules.scan(f, WITH_NOT_MATCHING);
            List<String> matched = r.matches().stream().map(RuleMatch::name).toList();
            List<String> others = r.notMatching().stream().map(RuleMatch::name).toList();
            assertThat(matched).isNotEmpty();
            assertThat(others).doesNotContainAnyElementsOf(matched);
            List<String> all = new ArrayList<>();
            for (int i = 0; i < rules.ruleCount(); i++) {
                all.add("r" + i);
            }
            assertThat(others).isEqualTo(all.stream().filter(n -> !matched.contains(n)).toList());
            assertThat(matched).isEqualTo(all.stream().filter(matched::contains).toList());
        }
    }

    @Test
    void aScanStartedInsideAnotherGetsItsOwnScratch() throws Exception {
        YaraPatterns patterns = (YaraPatterns) compile().patterns();
        List<byte[]> files = files(2);
        byte[] a = files.get(0);
        byte[] b = files.get(1);
        String aloneA = scanAlone(patterns, a);
        String aloneB = scanAlone(patterns, b);

        // B runs start to end in the middle of A's pass, as an archive member's scan does
        ExternalPatterns.ExternalScan outer = begin(patterns);
        feed(outer, patterns, a, 0, a.length / 2);
        ExternalPatterns.ExternalScan inner = begin(patterns);
        feed(inner, patterns, b, 0, b.length);
        inner.finish(context(b), true);
        assertThat(render((YaraScanResult) inner.report())).isEqualTo(aloneB);
        feed(outer, patterns, a, a.length / 2, a.length);
        outer.finish(context(a), true);
        assertThat(render((YaraScanResult) outer.report())).isEqualTo(aloneA);
    }

    @Test
    void interleavedScansDoNotSeeEachOther() throws Exception {
        YaraPatterns patterns = (YaraPatterns) compile().patterns();
        List<byte[]> files = files(2);
        byte[] a = files.get(0);
        byte[] b = files.get(1);
        String aloneA = scanAlone(patterns, a);
        String aloneB = scanAlone(patterns, b);
        ExternalPatterns.ExternalScan x = begin(patterns);
        ExternalPatterns.ExternalScan y = begin(patterns);
        int step = 97;
        for (int pos = 0; pos < Math.max(a.length, b.length); pos += step) {
            feed(x, patterns, a, Math.min(pos, a.length), Math.min(pos + step, a.length));
            feed(y, patterns, b, Math.min(pos, b.length), Math.min(pos + step, b.length));
        }
        x.finish(context(a), true);
        y.finish(context(b), true);
        assertThat(render((YaraScanResult) x.report())).isEqualTo(aloneA);
        assertThat(render((YaraScanResult) y.report())).isEqualTo(aloneB);
    }

    @Test
    void aScratchGivenBackTwiceIsRefused() {
        YaraScanScratch.Pool pool = new YaraScanScratch.Pool(4, 2);
        YaraScanScratch s = pool.take();
        pool.giveBack(s);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> pool.giveBack(s))
                .isInstanceOf(IllegalStateException.class);
        assertThat(pool.idle()).isEqualTo(1);
        assertThat(pool.take()).isSameAs(s);
        assertThat(pool.take()).as("the pool is empty now: a new one").isNotSameAs(s);
    }

    /** A scan that also keeps the strings of rules that did not match, so that those are compared too. */
    private static ExternalPatterns.ExternalScan begin(YaraPatterns patterns) {
        return new YaraScanState(patterns, Long.MAX_VALUE, true);
    }

    private static String scanAlone(YaraPatterns patterns, byte[] data) {
        ExternalPatterns.ExternalScan scan = begin(patterns);
        feed(scan, patterns, data, 0, data.length);
        scan.finish(context(data), true);
        return render((YaraScanResult) scan.report());
    }

    /**
     * Hands the scan the range [from, to) as the engine's pass does: the range to the atom-less strings, then every
     * atom occurrence in it in position order that its filter does not reject.
     */
    private static void feed(ExternalPatterns.ExternalScan scan, YaraPatterns patterns, byte[] data, int from, int to) {
        List<byte[]> atoms = patterns.atoms();
        long[] f = patterns.atomFilters();
        if (patterns.needsEveryOffset()) {
            scan.everyOffset(data, 0, data.length, data.length, from, to);
        }
        for (int pos = from; pos < to; pos++) {
            for (int i = 0; i < atoms.size(); i++) {
                byte[] atom = atoms.get(i);
                if (pos + atom.length <= data.length
                        && java.util.Arrays.equals(data, pos, pos + atom.length, atom, 0, atom.length)
                        && (f[3 * i + 1] == 0
                        || !dev.vigil.engine.ir.AtomFilter.rejects(f[3 * i], f[3 * i + 1], f[3 * i + 2], data, pos))) {
                    scan.atom(i, data, 0, data.length, data.length, pos);
                }
            }
        }
    }

    private static EvaluationContext context(byte[] data) {
        ScanInput in = ScanInput.of(data);
        return new EvaluationContext() {
            @Override
            public ScanInput input() {
                return in;
            }

            @Override
            public long size() {
                return data.length;
            }

            @Override
            public ExecutableInfo executable() {
                return null;
            }

            @Override
            public int matchCount(int index) {
                return 0;
            }

            @Override
            public long[] matchOffsets(int index) {
                return new long[0];
            }
        };
    }

    private static YaraRules compile() throws Exception {
        StringBuilder src = new StringBuilder();
        for (int r = 0; r * 3 < STRINGS.length; r++) {
            src.append("rule r").append(r).append(" {\n strings:\n");
            for (int k = r * 3; k < Math.min(STRINGS.length, r * 3 + 3); k++) {
                src.append("  $s").append(k).append(" = ").append(STRINGS[k]).append('\n');
            }
            src.append(" condition:\n  any of them\n}\n");
        }
        // two rules that never match, one of them with string matches to report
        int next = (STRINGS.length + 2) / 3;
        src.append("rule r").append(next).append(" { strings: $n = /qq[0-9]qq/ condition: $n }\n");
        src.append("rule r").append(next + 1)
                .append(" { strings: $x = \"thing\" $y = \"no such text\" condition: all of them }\n");
        return new YaraCompiler().addSource(src.toString(), "default", "reuse.yar").compile();
    }

    /** Text of random words, some of it wide, with a few random bytes: different per index. */
    private static List<byte[]> files(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int f = 0; f < n; f++) {
            Random rnd = new Random(1000 + f);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int size = 3000 + rnd.nextInt(20_000);
            while (b.size() < size) {
                String w = WORDS[rnd.nextInt(WORDS.length)] + (rnd.nextInt(4) == 0 ? ". " : " ");
                int kind = rnd.nextInt(10);
                if (kind < 7) {
                    b.writeBytes(w.getBytes(StandardCharsets.US_ASCII));
                } else if (kind < 9) {
                    b.writeBytes(w.getBytes(StandardCharsets.UTF_16LE));
                } else {
                    byte[] noise = new byte[1 + rnd.nextInt(8)];
                    rnd.nextBytes(noise);
                    b.writeBytes(noise);
                }
            }
            out.add(b.toByteArray());
        }
        return out;
    }

    private static String render(YaraScanResult r) {
        StringBuilder s = new StringBuilder();
        List<RuleMatch> all = new ArrayList<>(r.matches());
        all.add(null);
        all.addAll(r.notMatching());
        for (RuleMatch m : all) {
            if (m == null) {
                s.append("not matching:\n");
                continue;
            }
            s.append(m.name()).append('\n');
            for (RuleMatch.StringMatch sm : m.strings()) {
                s.append("  ").append(sm.identifier()).append(' ').append(sm.offset()).append(' ').append(sm.length())
                        .append(' ').append(sm.xorKey()).append(' ').append(HexFormat.of().formatHex(sm.data()))
                        .append('\n');
            }
        }
        s.append(r.warnings());
        return s.toString();
    }
}
