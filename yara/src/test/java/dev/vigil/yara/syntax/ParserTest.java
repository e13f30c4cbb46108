package dev.vigil.yara.syntax;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParserTest {

    private static Ast.SourceUnit parse(String text) {
        return Parser.parse(text.getBytes(StandardCharsets.ISO_8859_1), "r.yar", IncludeResolver.none());
    }

    private static Ast.Rule onlyRule(String text) {
        return (Ast.Rule) parse(text).items().get(0);
    }

    /** In-memory files; an include names another entry relative to nothing. */
    private static IncludeResolver memory(Map<String, String> files) {
        return (including, path) -> {
            String content = files.get(path);
            if (content == null) {
                throw new IOException("no " + path);
            }
            return new IncludeResolver.Source(path, content.getBytes(StandardCharsets.ISO_8859_1));
        };
    }

    @Test
    void textStringsAreUnescapedToBytes() {
        Ast.Rule r = onlyRule("rule a { strings: $a = \"x\\x41\\n\\t\\\"\\\\\\xff\" condition: $a }");
        StringDecl d = r.strings().get(0);
        assertThat(d.kind()).isEqualTo(StringDecl.Kind.TEXT);
        assertThat(d.text()).containsExactly('x', 'A', '\n', '\t', '"', '\\', 0xff);
        assertThat(d.modifiers()).isEqualTo(StringModifiers.NONE);
    }

    @Test
    void modifiersAreRecorded() {
        Ast.Rule r = onlyRule("rule a { strings: $a = \"abc\" wide xor(3-9) fullword private "
                + "$b = \"abc\" base64(\"" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                + "\") base64wide $c = \"q\" xor ascii wide nocase condition: all of them }".replace("xor ascii wide nocase", "xor ascii wide"));
        StringModifiers a = r.strings().get(0).modifiers();
        assertThat(a.wide()).isTrue();
        assertThat(a.ascii()).isFalse();
        assertThat(a.xor()).isTrue();
        assertThat(a.xorMin()).isEqualTo(3);
        assertThat(a.xorMax()).isEqualTo(9);
        assertThat(a.fullword()).isTrue();
        assertThat(a.isPrivate()).isTrue();
        StringModifiers b = r.strings().get(1).modifiers();
        assertThat(b.base64()).isTrue();
        assertThat(b.base64Wide()).isTrue();
        assertThat(b.base64Alphabet()).hasSize(64);
        assertThat(b.base64WideAlphabet()).hasSize(64);
        StringModifiers c = r.strings().get(2).modifiers();
        assertThat(c.xorMin()).isZero();
        assertThat(c.xorMax()).isEqualTo(255);
        assertThat(c.ascii()).isTrue();
        assertThat(c.wide()).isTrue();
    }

    @Test
    void hexAndRegexBodiesStayAsSource() {
        Ast.Rule r = onlyRule("rule a { strings: $h = { 4D 5A [2-4] ( 90 | ?? ) } private $r = /a\\/b\\d+/is wide "
                + "condition: $h and $r }");
        StringDecl h = r.strings().get(0);
        assertThat(h.kind()).isEqualTo(StringDecl.Kind.HEX);
        assertThat(h.source()).isEqualTo(" 4D 5A [2-4] ( 90 | ?? ) ");
        assertThat(h.modifiers().isPrivate()).isTrue();
        StringDecl re = r.strings().get(1);
        assertThat(re.kind()).isEqualTo(StringDecl.Kind.REGEX);
        assertThat(re.source()).isEqualTo("a/b\\d+");
        assertThat(re.nocaseFlag()).isTrue();
        assertThat(re.dotAllFlag()).isTrue();
        assertThat(re.modifiers().wide()).isTrue();
        assertThat(re.modifiers().ascii()).isFalse();
    }

    @Test
    void rulesKeepFlagsTagsAndMeta() {
        Ast.Rule r = onlyRule("global private global rule a : x y { meta: n = -5 s = \"v\\x41\" b = false "
                + "n = 7 condition: true }");
        assertThat(r.isGlobal()).isTrue();
        assertThat(r.isPrivate()).isTrue();
        assertThat(r.tags()).containsExactly("x", "y");
        assertThat(r.metas()).containsExactly(new Ast.Meta("n", -5L), new Ast.Meta("s", "vA"),
                new Ast.Meta("b", false), new Ast.Meta("n", 7L));
    }

    @Test
    void precedenceFollowsYara() {
        Ast.Rule r = onlyRule("rule a { condition: not 1 + 2 * 3 == 7 or false and true }");
        // or(not(==(+(1, *(2, 3)), 7)), and(false, true))
        Ast.Binary or = (Ast.Binary) r.condition();
        assertThat(or.op()).isEqualTo("or");
        Ast.Unary not = (Ast.Unary) or.left();
        Ast.Binary eq = (Ast.Binary) not.operand();
        assertThat(eq.op()).isEqualTo("==");
        Ast.Binary plus = (Ast.Binary) eq.left();
        assertThat(plus.op()).isEqualTo("+");
        assertThat(((Ast.Binary) plus.right()).op()).isEqualTo("*");
        assertThat(((Ast.Binary) or.right()).op()).isEqualTo("and");
    }

    @Test
    void percentOfIsNotModulo() {
        Ast.Rule r = onlyRule("rule a { strings: $a = \"x\" condition: 5 % 3 of them and 50% of them }");
        Ast.Binary and = (Ast.Binary) r.condition();
        Ast.Of first = (Ast.Of) and.left();
        assertThat(first.quantifier().kind()).isEqualTo(Ast.Quantifier.Kind.COUNT);
        assertThat(((Ast.Binary) first.quantifier().count()).op()).isEqualTo("%");
        assertThat(((Ast.Of) and.right()).quantifier().kind()).isEqualTo(Ast.Quantifier.Kind.PERCENT);
    }

    @Test
    void includesAreExpandedInPlace() {
        Map<String, String> files = new HashMap<>();
        files.put("inc.yar", "import \"pe\" rule b { condition: true }");
        List<Ast.Item> items = Parser.parse("rule a { condition: true } include \"inc.yar\" rule c { condition: b }"
                .getBytes(StandardCharsets.ISO_8859_1), "main.yar", memory(files)).items();
        assertThat(items).hasSize(4);
        assertThat(((Ast.Rule) items.get(2)).file()).isEqualTo("inc.yar");
        assertThat(((Ast.Import) items.get(1)).module()).isEqualTo("pe");
        assertThat(((Ast.Rule) items.get(3)).file()).isEqualTo("main.yar");
    }

    @Test
    void includeCyclesAndDepthAreErrors() {
        Map<String, String> files = new HashMap<>();
        files.put("a.yar", "include \"b.yar\"");
        files.put("b.yar", "include \"a.yar\"");
        assertThatThrownBy(() -> Parser.parse("include \"a.yar\"".getBytes(StandardCharsets.ISO_8859_1), "m.yar",
                memory(files))).isInstanceOf(CompileError.class).hasMessage("includes circular reference");
        Map<String, String> chain = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            chain.put("f" + i + ".yar", "include \"f" + (i + 1) + ".yar\"");
        }
        chain.put("f20.yar", "rule x { condition: true }");
        assertThatThrownBy(() -> Parser.parse("include \"f0.yar\"".getBytes(StandardCharsets.ISO_8859_1), "m.yar",
                memory(chain))).isInstanceOf(CompileError.class).hasMessage("includes depth exceeded");
        Map<String, String> shallow = new HashMap<>();
        for (int i = 0; i < 14; i++) {
            shallow.put("f" + i + ".yar", "include \"f" + (i + 1) + ".yar\"");
        }
        shallow.put("f14.yar", "rule x { condition: true }");
        assertThat(Parser.parse("include \"f0.yar\"".getBytes(StandardCharsets.ISO_8859_1), "m.yar",
                memory(shallow)).items()).hasSize(1);
    }

    @Test
    void missingIncludeIsAnError() {
        assertThatThrownBy(() -> parse("include \"nope.yar\""))
                .isInstanceOf(CompileError.class).hasMessageContaining("nope.yar");
    }

    @Test
    void lexicalErrorsCarryLines() {
        assertThatThrownBy(() -> parse("rule a {\n condition:\n \"abc\n\" }"))
                .isInstanceOf(CompileError.class).hasMessage("unterminated string")
                .extracting(e -> ((CompileError) e).line()).isEqualTo(3);
        assertThatThrownBy(() -> parse("rule a { condition: \"\\q\" }")).hasMessage("illegal escape sequence");
        assertThatThrownBy(() -> parse("rule a { condition: \u00e9 }")).hasMessage("non-ascii character");
        assertThatThrownBy(() -> parse("rule " + "x".repeat(129) + " { condition: true }"))
                .hasMessage("identifier too long");
    }
}
