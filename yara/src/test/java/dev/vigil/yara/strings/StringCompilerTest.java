package dev.vigil.yara.strings;

import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Refusals that the conformance cases do not cover, checked against yara's own verdict. */
class StringCompilerTest {

    @TempDir
    Path dir;

    private boolean yaraAccepts(String stringPart) throws Exception {
        Path rule = dir.resolve("r.yar");
        Files.writeString(rule, "rule r { strings: $a = " + stringPart + " condition: $a }\n");
        Process p = new ProcessBuilder(YaraOracle.yara(), rule.toString(), rule.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0;
    }

    @Test
    void emptyStringsAreRefusedLikeYara() throws Exception {
        assertThat(yaraAccepts("\"\"")).isFalse();
        assertThatThrownBy(() -> StringCompiler.compile(new StringDecl("$a", StringDecl.Kind.TEXT, new byte[0], null,
                false, false, StringModifiers.NONE, "t", 1, 1))).isInstanceOf(StringCompileException.class)
                .hasMessage("empty string \"$a\"");
    }

    @Test
    void tooManyAlternativesAreRefusedLikeYara() throws Exception {
        String many = "a" + "|a".repeat(200);
        assertThat(yaraAccepts("/" + many + "/")).isFalse();
        assertThatThrownBy(() -> StringCompiler.compile(new StringDecl("$a", StringDecl.Kind.REGEX, null, many, false,
                false, StringModifiers.NONE, "t", 1, 1))).isInstanceOf(StringCompileException.class)
                .hasMessageContaining("too complex");
        String some = "a" + "|a".repeat(100);
        assertThat(yaraAccepts("/" + some + "/")).isTrue();
        StringCompiler.compile(new StringDecl("$a", StringDecl.Kind.REGEX, null, some, false, false,
                StringModifiers.NONE, "t", 1, 1));
    }
}
