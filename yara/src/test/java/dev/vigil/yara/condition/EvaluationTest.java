package dev.vigil.yara.condition;

import dev.vigil.yara.modules.Modules;
import dev.vigil.yara.modules.tests.TestsModule;
import dev.vigil.yara.syntax.IncludeResolver;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EvaluationTest {

    private static RuleSetCompiler.Result compile(String... sources) {
        List<RuleSetCompiler.Source> list = new java.util.ArrayList<>();
        for (int i = 0; i < sources.length; i++) {
            String[] nsAndText = sources[i].split("\\|", 2);
            list.add(new RuleSetCompiler.Source(nsAndText[0], "s" + i + ".yar",
                    nsAndText[1].getBytes(StandardCharsets.ISO_8859_1)));
        }
        Map<String, dev.vigil.yara.modules.YaraModule> modules = Modules.builtIn();
        return RuleSetCompiler.compile(list, Map.of("ext_int", 5L, "ext_str", "abc", "ext_bool", true,
                "ext_float", 1.5), new RuleSetCompiler.Options(IncludeResolver.none(), modules));
    }

    private static boolean[] eval(RuleSetCompiler.Result r, byte[] data) {
        assertThat(r.errors()).isEmpty();
        return r.rules().evaluate(TestContexts.of(data, Map.of(), Map.of("tests", new TestsModule().load(null))));
    }

    @Test
    void stringIndexesAreGlobalInDeclarationOrder() {
        RuleSetCompiler.Result r = compile("a|rule x { strings: $a = \"1\" $b = \"2\" condition: all of them }",
                "b|rule y { strings: $c = \"3\" condition: $c }");
        assertThat(r.rules().rules().get(0).stringIndexes()).containsExactly(0, 1);
        assertThat(r.rules().rules().get(1).stringIndexes()).containsExactly(2);
        assertThat(r.rules().stringCount()).isEqualTo(3);
    }

    @Test
    void globalRulesGateOnlyTheirNamespace() {
        RuleSetCompiler.Result r = compile("a|global rule g { condition: false } rule x { condition: true }",
                "b|rule y { condition: true }");
        assertThat(eval(r, new byte[0])).containsExactly(false, false, true);
    }

    @Test
    void ruleReferencesStayInTheirNamespace() {
        assertThat(compile("a|rule x { condition: true }", "b|rule y { condition: x }").errors().get(0).message())
                .isEqualTo("undefined identifier \"x\"");
        assertThat(eval(compile("a|rule x { condition: true }", "a|rule y { condition: x }"), new byte[0]))
                .containsExactly(true, true);
    }

    @Test
    void externalsHaveTheirTypes() {
        assertThat(eval(compile("a|rule x { condition: ext_int == 5 and ext_str == \"abc\" and ext_bool "
                + "and ext_float > 1.0 }"), new byte[0])).containsExactly(true);
        assertThat(compile("a|rule x { condition: ext_str == 5 }").errors().get(0).message())
                .isEqualTo("type mismatch");
    }

    @Test
    void moduleMembersArraysDictsAndFunctionsAreTyped() {
        assertThat(eval(compile("a|import \"tests\" rule x { condition: tests.constants.one + 1 == 2 "
                + "and tests.string_array[1] == \"bar\" and tests.string_dict[\"foo\"] == \"foo\" "
                + "and tests.struct_dict[\"foo\"].i == 1 and tests.isum(1, 2) == 3 and tests.isum(1, 2, 3) == 6 "
                + "and tests.fsum(1.0, 2.0) == 3.0 and not defined tests.integer_array[100] "
                + "and for any k, v in tests.struct_dict : (k == \"foo\" and v.s == \"foo\") "
                + "and for any i in tests.integer_array : (i == 256) }"), new byte[0])).containsExactly(true);
        // integer_array has undefined items (3..255); an undefined body never counts as true, so "all" fails.
        assertThat(eval(compile("a|import \"tests\" rule x { condition: "
                + "for all i in tests.integer_array : (i != 3) }"), new byte[0])).containsExactly(false);
        assertThat(compile("a|import \"tests\" rule x { condition: tests.isum(1) }").errors().get(0).message())
                .isEqualTo("wrong arguments for function \"tests.isum\"");
        assertThat(compile("a|import \"tests\" rule x { condition: tests.nope }").errors().get(0).message())
                .isEqualTo("invalid field name \"nope\"");
        assertThat(compile("a|import \"tests\" rule x { condition: tests.constants[0] }").errors().get(0)
                .message()).isEqualTo("\"tests.constants\" is not an array or dictionary");
        assertThat(compile("a|rule x { condition: tests.constants.one }").errors().get(0).message())
                .isEqualTo("undefined identifier \"tests\"");
    }

    @Test
    void hugeLoopsStopAtTheDeadline() {
        RuleSetCompiler.Result r = compile("a|rule x { condition: for any i in (0..0x7fffffffffffffff) : "
                + "(i == -1) }");
        assertThat(r.errors()).isEmpty();
        long start = System.nanoTime();
        assertThatThrownBy(() -> r.rules().evaluate(TestContexts.of(new byte[0], Map.of(), Map.of()),
                System.nanoTime() + 100_000_000L)).isInstanceOf(ConditionTimeoutException.class);
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    @Test
    void loopsOverFilesizeRunFilesizeTimes() {
        byte[] data = new byte[100_000];
        data[99_999] = 7;
        assertThat(eval(compile("a|rule x { condition: for any i in (0..filesize - 1) : (uint8(i) == 7) }"), data))
                .containsExactly(true);
    }
}
