package dev.vigil.yara.strings;

import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
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
