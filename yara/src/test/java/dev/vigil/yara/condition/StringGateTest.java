package dev.vigil.yara.condition;

import dev.vigil.yara.syntax.Ast;
import dev.vigil.yara.syntax.IncludeResolver;
import dev.vigil.yara.syntax.Parser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StringGateTest {

    private static boolean gated(String condition) {
        String source = "rule r { strings: $a = \"abc\" $b = { 01 02 } condition: " + condition + " }";
        Ast.SourceUnit unit = Parser.parse(source.getBytes(StandardCharsets.UTF_8), "t.yar", IncludeResolver.none());
        return StringGate.needsAMatch(((Ast.Rule) unit.items().get(0)).condition());
    }

    @Test
    void conditionsThatCannotHoldWithoutAMatchAreGated() {
        assertThat(gated("$a")).isTrue();
        assertThat(gated("uint16(0) == 0x5a4d and filesize < 1MB and 1 of them")).isTrue();
        assertThat(gated("all of ($a, $b) or ($a at 0 and filesize > 10)")).isTrue();
        assertThat(gated("2 of them")).isTrue();
        assertThat(gated("50% of them")).isTrue();
        assertThat(gated("$b in (0..100) or any of them")).isTrue();
    }

    @Test
    void conditionsThatMayHoldWithoutAMatchAreNot() {
        assertThat(gated("not $a")).isFalse();
        assertThat(gated("$a or filesize > 10")).isFalse();
        assertThat(gated("none of them")).isFalse();
        assertThat(gated("0 of them")).isFalse();
        assertThat(gated("#a == 0")).isFalse();
        assertThat(gated("for any of them : ( $ )")).isFalse();
        assertThat(gated("filesize > 0")).isFalse();
    }
}
