package dev.vigil.cli;

import dev.vigil.yara.RuleMatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vigil's rendering of rule matches against yara's, without Vigil's engine: yara's own {@code -L -X -g} output says
 * which strings matched where (with the key), the file gives the bytes, the rule gives the meta; from those
 * {@link RuleMatch} objects Vigil renders every flag combination, and yara prints the same combination for
 * comparison.
 */
class YaraOutputTest {
    private static final String RULES = """
            rule first : Tag1 tag_2
            {
                meta:
                    text = "q\\"b\\\\s\\tn\\nx\\x01\\xe9end\\x7f"
                    count = 42
                    neg = -7
                    flag = true
                    off = false
                    every = "%ALL%"
                strings:
                    $text = "hello"
                    $hex = { 68 65 6C [0-2] 6F }
                    $long_hex = { 41 41 41 41 [60-80] 42 }
                    $wide = "wide" wide
                    $xor = "secret" xor(1-255)
                    $nocase = "MiXeD" nocase
                    $re = /ab+c/
                    $long_re = /C{600}D/
                    $ = { 00 01 02 } // a comment with { braces
                    $ = { 61 6E 6F 6E }
                condition:
                    any of them
            }
            rule second { strings: $a = "hello" /* $b = { 00 } */ condition: $a }
            rule third : Tag1 { condition: false }
            """;
    /** The meta of rule "first" as the engine holds it: Latin-1 strings stand for YARA's bytes. */
    private static final List<RuleMatch.Meta> FIRST_META = List.of(
            new RuleMatch.Meta("text", "q\"b\\s\tn\nx\u0001\u00e9end\u007f"), new RuleMatch.Meta("count", 42L),
            new RuleMatch.Meta("neg", -7L), new RuleMatch.Meta("flag", true), new RuleMatch.Meta("off", false),
            new RuleMatch.Meta("every", everyByteButZero()));

    private static String everyByteButZero() {
        StringBuilder b = new StringBuilder();
        for (int c = 1; c < 256; c++) {
            b.append((char) c);
        }
        return b.toString();
    }

    /** The same bytes as YARA escapes in the rule source. */
    private static String everyByteEscaped() {
        StringBuilder b = new StringBuilder();
        for (int c = 1; c < 256; c++) {
            b.append(String.format("\\x%02x", c));
        }
        return b.toString();
    }

    private static final Pattern RULE_LINE = Pattern.compile("^(\\w+):(\\w+) \\[([\\w,]*)] (.*)$");
    private static final Pattern STRING_LINE = Pattern.compile("^0x([0-9a-f]+):(\\d+):(\\$\\w*):xor\\(0x([0-9a-f]{2}),");

    @TempDir
    static Path dir;
    static byte[] data;

    @BeforeAll
    static void write() throws Exception {
        Files.writeString(dir.resolve("r.yar"), RULES.replace("%ALL%", everyByteEscaped()), StandardCharsets.ISO_8859_1);
        var d = new java.io.ByteArrayOutputStream();
        d.writeBytes("hello world helo helxo AAAA".getBytes(StandardCharsets.US_ASCII));
        d.writeBytes("z".repeat(70).getBytes(StandardCharsets.US_ASCII));
        d.writeBytes("Bw\0i\0d\0e\0".getBytes(StandardCharsets.US_ASCII));
        for (byte b : "secret".getBytes(StandardCharsets.US_ASCII)) {
            d.write(b ^ 0x5a);
        }
        d.writeBytes(" mixed abbbbc \0\1\2 anon ".getBytes(StandardCharsets.US_ASCII));
        d.writeBytes("C".repeat(700).getBytes(StandardCharsets.US_ASCII));
        d.write('D');
        data = d.toByteArray();
        Files.write(dir.resolve("d.bin"), data);
    }

    /** The matches yara reports, rebuilt as RuleMatch objects. */
    private static List<RuleMatch> matchesFromYara() throws Exception {
        Oracle.Output o = YaraOracle.yara(dir, List.of("-w", "-e", "-g", "-L", "-X", "r.yar", "d.bin"));
        assertThat(o.exit()).isZero();
        List<RuleMatch> rules = new ArrayList<>();
        String ns = null;
        String name = null;
        List<String> tags = null;
        List<RuleMatch.StringMatch> strings = null;
        for (String line : o.stdout().lines().toList()) {
            Matcher r = RULE_LINE.matcher(line);
            Matcher s = STRING_LINE.matcher(line);
            if (s.find()) {
                int offset = Integer.parseInt(s.group(1), 16);
                int length = Integer.parseInt(s.group(2));
                int key = Integer.parseInt(s.group(4), 16);
                String id = s.group(3);
                boolean isXor = id.equals("$xor");
                strings.add(new RuleMatch.StringMatch(id, offset, length,
                        Arrays.copyOfRange(data, offset, offset + length), isXor ? key : -1));
            } else if (r.matches()) {
                if (name != null) {
                    rules.add(new RuleMatch(ns, name, tags, name.equals("first") ? FIRST_META : List.of(), strings));
                }
                ns = r.group(1);
                name = r.group(2);
                tags = r.group(3).isEmpty() ? List.of() : List.of(r.group(3).split(","));
                strings = new ArrayList<>();
            } else {
                throw new AssertionError("unexpected yara line: " + line);
            }
        }
        rules.add(new RuleMatch(ns, name, tags, name.equals("first") ? FIRST_META : List.of(), strings));
        return rules;
    }

    static Stream<String> flagCombinations() {
        return Stream.of("", "-s", "-e", "-g", "-m", "-L", "-X", "-sL", "-sX", "-LX", "-sLX", "-egm", "-segmLX");
    }

    @ParameterizedTest
    @MethodSource("flagCombinations")
    void rendersLikeYara(String flags) throws Exception {
        YaraOracle.assumeYara();
        List<RuleMatch> matches = matchesFromYara();
        assertThat(matches).extracting(RuleMatch::name).containsExactly("first", "second");

        List<String> args = new ArrayList<>(List.of("-w"));
        if (!flags.isEmpty()) {
            args.add(flags);
        }
        args.addAll(List.of("r.yar", "d.bin"));
        String expected = YaraOracle.yara(dir, args).stdout();

        RuleSourceIndex hex = new RuleSourceIndex();
        hex.addFile(dir.resolve("r.yar"), "default");
        YaraOutput.Detail d = new YaraOutput.Detail(flags.contains("e"), flags.contains("g"), flags.contains("m"),
                flags.contains("s"), flags.contains("L"), flags.contains("X"));
        StringBuilder actual = new StringBuilder();
        for (RuleMatch m : matches) {
            YaraOutput.ruleLine(actual, d, m.namespace(), m.name(), m.tags(), m.metadata(), "d.bin");
            YaraOutput.stringLines(actual, d, m, hex);
        }
        assertThat(actual.toString()).isEqualTo(expected);
    }

    @Test
    void hexIndexSeesOnlyHexStrings() {
        RuleSourceIndex hex = new RuleSourceIndex();
        hex.addSource(RULES, "ns", null, 0);
        RuleSourceIndex mixed = new RuleSourceIndex();
        mixed.addSource("rule m { strings: $ = { 00 } $ = \"t\" condition: all of them }", "ns", null, 0);
        assertThat(mixed.isHex("ns", "m", "$")).isFalse(); // undecidable from the matches: printed as text
        assertThat(hex.isHex("ns", "first", "$hex")).isTrue();
        assertThat(hex.isHex("ns", "first", "$long_hex")).isTrue();
        assertThat(hex.isHex("ns", "first", "$text")).isFalse();
        assertThat(hex.isHex("ns", "first", "$re")).isFalse();
        assertThat(hex.isHex("ns", "first", "$")).isTrue(); // both anonymous strings are hex
        assertThat(hex.isHex("ns", "second", "$a")).isFalse();
        assertThat(hex.isHex("ns", "second", "$b")).isFalse(); // commented out
        assertThat(hex.isHex("default", "first", "$hex")).isFalse();
    }

    @Test
    void indexKnowsDeclarationOrderOfPublicRules() {
        RuleSourceIndex index = new RuleSourceIndex();
        index.addSource("""
                rule a { condition: true }
                private rule b { condition: true }
                global private rule c { condition: true }
                private global rule d { condition: true }
                global rule e { strings: $s = "rule x" condition: $s } // rule y
                /* rule z */ rule f : private_tag { condition: true }
                """, "ns", null, 0);
        assertThat(index.declaredRules()).containsExactly("ns:a", "ns:e", "ns:f");
    }

    @Test
    void hexIndexFollowsIncludes() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("inc"));
        Files.writeString(sub.resolve("inner.yar"), "rule inner { strings: $h = {AA BB} condition: $h }");
        Files.writeString(dir.resolve("outer.yar"), "include \"inc/inner.yar\"\nrule outer { condition: inner }");
        RuleSourceIndex hex = new RuleSourceIndex();
        hex.addFile(dir.resolve("outer.yar"), "n");
        assertThat(hex.isHex("n", "inner", "$h")).isTrue();
    }
}
