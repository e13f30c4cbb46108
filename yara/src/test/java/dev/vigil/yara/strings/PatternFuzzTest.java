package dev.vigil.yara.strings;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;

import java.nio.charset.StandardCharsets;

/**
 * Hostile hex and regex bodies must end in a StringCompileException or a matcher, and the matcher must run on data
 * without another exception. Normal runs replay the seeds in PatternFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes.
 */
class PatternFuzzTest {

    private static final byte[] DATA = "ab\0c\nABC 123 abcabc \u00ff\u0000_x".getBytes(StandardCharsets.ISO_8859_1);

    private static void compileAndRun(StringDecl decl) {
        CompiledString s;
        try {
            s = StringCompiler.compileString(decl);
        } catch (StringCompileException refused) {
            return;
        }
        StringScanner.findAll(s, DATA);
    }

    @FuzzTest(maxDuration = "60s")
    void hexBody(byte[] input) {
        String body = new String(input, StandardCharsets.ISO_8859_1);
        compileAndRun(new StringDecl("$a", StringDecl.Kind.HEX, null, body, false, false, StringModifiers.NONE, "f", 1,
                1));
    }

    @FuzzTest(maxDuration = "60s")
    void regexBody(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int flags = input[0];
        String body = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1);
        StringModifiers m = new StringModifiers((flags & 1) != 0, (flags & 2) == 0 || (flags & 4) == 0,
                (flags & 4) != 0, (flags & 8) != 0, false, false, 0, 0, false, null, false, null);
        compileAndRun(new StringDecl("$a", StringDecl.Kind.REGEX, null, body, (flags & 16) != 0, (flags & 32) != 0, m,
                "f", 1, 1));
        try {
            YaraRegex.compile(body, (flags & 16) != 0, (flags & 32) != 0).find(DATA);
        } catch (IllegalArgumentException refused) {
            // invalid expression
        }
    }
}
