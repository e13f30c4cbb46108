package dev.vigil.yara.strings;

import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Patterns that make backtracking engines explode must stay linear here. */
class LinearTimeTest {

    private static final int MB = 1 << 20;

    private static StringDecl regex(String src) {
        return new StringDecl("$a", StringDecl.Kind.REGEX, null, src, false, false, StringModifiers.NONE, "t", 1, 1);
    }

    private static StringDecl hex(String src) {
        return new StringDecl("$a", StringDecl.Kind.HEX, null, src, false, false, StringModifiers.NONE, "t", 1, 1);
    }

    private static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) c);
        return b;
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void dotStarOnOneMegabyteWithoutNewlines() {
        StringMatches m = StringScanner.findAll(StringCompiler.compileString(regex(".*")), filled(MB, 'a'));
        // every start matches up to the 4096-byte scan window (or the end); the list stops at the cap
        assertThat(m.count()).isEqualTo(StringMatches.MAX_MATCHES);
        assertThat(m.tooManyMatches()).isTrue();
        assertThat(m.length(0)).isEqualTo(PatternString.SCAN_LIMIT);
    }

    /**
     * A counted repeat of a class has one state per count: {@code [a-z]{1,4096}} reaches 4,096 over letters, and every
     * start walks through all of them (its match is 4,096 bytes long). Cached steps are rows per byte class of the
     * program (two here), so all of them are cached after the first start; with rows of 256 entries only the first
     * 128 states were, and each start simulated the NFA for the other 3,968 (yara 4.5.2 took 131 s over 3 MB of
     * letters, Vigil 152 s; now 22 s).
     */
    @Test
    void countedClassRepeatsCacheEveryStep() {
        byte[] data = new byte[64 << 10];
        Random r = new Random(5);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + r.nextInt(26));
        }
        StringMatches m = StringScanner.findAll(StringCompiler.compileString(regex("[a-z]{1,4096}")), data);
        assertThat(m.count()).isEqualTo(data.length);
        assertThat(m.length(0)).isEqualTo(PatternString.SCAN_LIMIT);
        assertThat(m.vm().steps()).as("positions read").isGreaterThan(100L * data.length);
        assertThat(m.vm().simulatedSteps()).as("NFA steps simulated").isLessThan(3 * PatternString.SCAN_LIMIT);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void dotStarOnLines() {
        byte[] data = new byte[MB];
        Random r = new Random(1);
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (r.nextInt(100) == 0 ? '\n' : 'a' + r.nextInt(3));
        }
        StringMatches m = StringScanner.findAll(StringCompiler.compileString(regex(".*")), data);
        assertThat(m.count()).isEqualTo(StringMatches.MAX_MATCHES);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void nestedAlternativeStarWithoutTheFinalByte() {
        StringMatches m = StringScanner.findAll(StringCompiler.compileString(regex("(a|aa)*b")), filled(MB, 'a'));
        assertThat(m.count()).isZero();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void nestedAlternativeStarWithTheFinalByte() {
        byte[] data = filled(MB, 'a');
        data[data.length - 1] = 'b';
        StringMatches m = StringScanner.findAll(StringCompiler.compileString(regex("(a|aa)*b")), data);
        // only starts within the 4096-byte scan window before the 'b' can reach it
        assertThat(m.count()).isEqualTo(PatternString.SCAN_LIMIT);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void unboundedHexJumpWithoutTheEnd() {
        StringMatches m = StringScanner.findAll(StringCompiler.compileString(hex("61 [-] 62")), filled(MB, 'a'));
        assertThat(m.count()).isZero();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void unboundedHexJumpWithTheEnd() {
        byte[] data = filled(MB, 'a');
        data[data.length - 1] = 'b';
        StringMatches m = StringScanner.findAll(StringCompiler.compileString(hex("61 [-] 62")), data);
        // a chained string: every 'a' joins the one 'b', however far; the list stops at the cap
        assertThat(m.count()).isEqualTo(StringMatches.MAX_MATCHES);
        assertThat(m.tooManyMatches()).isTrue();
        assertThat(m.length(0)).isEqualTo(MB);
    }

    /** inquest's {@code $wide_dde_auto} (Microsoft_Office_DDE_Command_Execution.rule), which took 10 s on a 1 MB MSI. */
    private static final String WIDE_DDE_AUTO = ".+[^A-Za-z0-9-]DDEAUTO[^a-z0-9-].+";

    private static CompiledString nocaseWideAscii(String regex) {
        StringModifiers m = new StringModifiers(true, true, true, false, false, false, 0, 0, false, null, false, null);
        return StringCompiler.compileString(new StringDecl("$a", StringDecl.Kind.REGEX, null, regex, false, false, m,
                "t", 1, 1));
    }

    private static byte[] wideRepeated(String unit, int bytes) {
        byte[] w = unit.getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        byte[] data = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            data[i] = w[i % w.length];
        }
        return data;
    }

    /**
     * Wide atom hits that go nowhere: each used to try every start up to 4 KiB back with a fresh wide run over up to
     * 4 KiB (about 8,000 steps per start, four times per hit through duplicate wide atoms); a failed tail from the
     * atom now rejects the hit at once. Counted in NFA steps, not timed.
     */
    @Test
    void wideAtomHitsWithoutTheirTailCostAFewStepsEach() {
        // the atom is "DEAU" (wide: "D\0E\0"); here every 8 bytes, never followed by "A\0U\0"
        byte[] data = wideRepeated("DExy", 16 << 10);
        StringMatches m = StringScanner.findAll(nocaseWideAscii(WIDE_DDE_AUTO), data);
        assertThat(m.count()).isZero();
        // 6,144 steps now (3 per hit); 81 million before
        assertThat(m.vm().steps()).as("NFA steps over %d bytes", data.length).isLessThan(data.length);
    }

    /** Real wide matches, densely: every start is tried, and consecutive wide runs share their work. */
    @Test
    void denseWideMatchesStayLinear() {
        StringMatches m = StringScanner.findAll(nocaseWideAscii(WIDE_DDE_AUTO), denseWideDdeAuto());
        assertThat(m.count()).isGreaterThan(10_000);
        // about 5 steps per byte now; each wide run on its own read up to 4 KiB (3,800 steps per byte on 16 KiB)
        assertThat(m.vm().steps()).as("NFA steps").isLessThan(16L * denseWideDdeAuto().length);
    }

    /** One line: the trailing .+ of every start runs to the 4 KiB scan limit. */
    private static byte[] denseWideDdeAuto() {
        return wideRepeated("<p>x DDEAUTO c:\\cmd.exe</p> ", 64 << 10);
    }

    /** The same strings as yara finds: offsets, and lengths as {@code yara -L} prints them (at most 512). */
    @Test
    void denseWideMatchesAgreeWithYara(@TempDir Path dir) throws Exception {
        // 6 KiB: runs meet the 4 KiB scan limit, while yara's printout stays a few MB (it prints every match's data);
        // with a line break every 26 characters the lengths stay below yara's 512-byte print limit
        for (byte[] data : List.of(wideRepeated("<p>x DDEAUTO c:\\cmd.exe</p> ", 6 << 10),
                wideRepeated("<p>x DDEAUTO c:\\cmd.exe</p>\n", 16 << 10))) {
            Map<String, List<String>> expected = YaraOracle.scan(dir,
                    "rule t { strings: $a = /" + WIDE_DDE_AUTO + "/ nocase wide ascii condition: $a }", data);
            StringMatches m = StringScanner.findAll(nocaseWideAscii(WIDE_DDE_AUTO), data);
            List<String> actual = new ArrayList<>();
            for (int i = 0; i < m.count(); i++) {
                actual.add("$a " + m.offset(i) + " " + Math.min(m.length(i), 512) + " 0");
            }
            List<String> want = expected.getOrDefault("t", List.of());
            assertThat(want).isNotEmpty();
            for (int i = 0; i < Math.min(want.size(), actual.size()); i++) {
                assertThat(actual.get(i)).as("match %d", i).isEqualTo(want.get(i));
            }
            assertThat(actual).hasSameSizeAs(want);
        }
    }

    /** The memo of wide runs must not change results either (starts of both parities, zero and non-zero bytes). */
    @Test
    void wideMemoGivesTheSameLengthsAsPlainRuns() {
        Random r = new Random(11);
        String[] parts = {"a", "b", ".", "[ab]", "(a|ab)", "\\w", "\\b", "$", "a*", "b+?", ".{0,3}", "(ab)*", ".+"};
        for (int round = 0; round < 300; round++) {
            StringBuilder src = new StringBuilder();
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                src.append(parts[r.nextInt(parts.length)]);
            }
            Program p;
            try {
                p = Program.compile(RegexParser.parse(src.toString(), false, r.nextBoolean()).root, 50);
            } catch (StringCompileException e) {
                continue;
            }
            byte[] data = new byte[200];
            for (int i = 0; i < data.length; i++) {
                // mostly wide text, with a few bytes that break it
                data[i] = i % 2 == 1 ? (byte) (r.nextInt(20) == 0 ? 'a' : 0) : (byte) "ab \nab".charAt(r.nextInt(6));
            }
            PikeVm memo = new PikeVm();
            PikeVm plain = new PikeVm();
            for (int s = 0; s < data.length; s++) {
                int limit = Math.min(data.length, s + 40);
                assertThat(memo.runMemo(p, data, 0, s, limit, data.length, 2))
                        .as("%s at %d", src, s).isEqualTo(plain.run(p, data, 0, s, limit, data.length, 2));
            }
        }
    }

    /** The memo must not change results: compare with plain runs on random patterns and data. */
    @Test
    void memoGivesTheSameLengthsAsPlainRuns() {
        Random r = new Random(7);
        String[] parts = {"a", "b", ".", "[ab]", "(a|ab)", "\\w", "\\b", "$", "^", "a*", "b+?", ".{0,3}", "(ab)*"};
        for (int round = 0; round < 300; round++) {
            StringBuilder src = new StringBuilder();
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                src.append(parts[r.nextInt(parts.length)]);
            }
            Program p;
            try {
                p = Program.compile(RegexParser.parse(src.toString(), false, r.nextBoolean()).root, 50);
            } catch (StringCompileException e) {
                continue;
            }
            byte[] data = new byte[200];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) "ab \nab".charAt(r.nextInt(6));
            }
            PikeVm memo = new PikeVm();
            PikeVm plain = new PikeVm();
            for (int s = 0; s < data.length; s++) {
                int limit = Math.min(data.length, s + 40);
                assertThat(memo.runMemo(p, data, 0, s, limit, data.length))
                        .as("%s at %d", src, s).isEqualTo(plain.run(p, data, 0, s, limit, data.length, 1));
            }
        }
    }
}
