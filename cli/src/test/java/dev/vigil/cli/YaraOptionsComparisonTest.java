package dev.vigil.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil yara} against {@code yara} 4.5.2 for the options whose effect is subtle: fast mode ({@code -f}) on
 * generated rules, the fixed-offset search of {@code $a at N}, {@code -n} with {@code -m -s -g}, compile errors and
 * warnings over several rule files (order, file and line, where yara stops), {@code -w}, {@code -z}, {@code -l},
 * several {@code -t} and {@code -i}, {@code -N} and yara's symlink rules, and {@code -C}. stdout, stderr and exit
 * status must be identical; directory scans use {@code -p 1} (yara prints in finishing order otherwise).
 */
class YaraOptionsComparisonTest {
    private static final int GENERATED = 6;

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeTree() throws Exception {
        write("fast.yar", """
                rule plain { strings: $a = "ab" $b = { 61 62 63 } $c = /b+c/ $x = "xyz" xor $w = "ab" wide ascii
                             $n = "AB" nocase condition: $a and $b and $c and ($x or $w or $n) }
                rule counted { strings: $a = "ab" condition: #a > 1 }
                rule offset { strings: $a = "ab" $b = "bc" condition: @a[1] == 0 and $b }
                rule ranged { strings: $a = "ab" condition: $a in (2..100) }
                rule of_them { strings: $a = "ab" $b = "bc" condition: any of them }
                rule count_in_loop { strings: $a = "ab" $b = "bc" condition: for any of ($a) : (# > 1) and $b }
                rule found_in_loop { strings: $a = "ab" $b = "bc" condition: for any of ($a) : ($) and $b }
                rule length { strings: $a = /ab+/ condition: !a[1] == 2 }
                rule both { strings: $a = "ab" condition: $a and #a > 0 }
                rule anonymous { strings: $ = "ab" $ = "bc" condition: all of them }
                """);
        write("fixed.yar", """
                rule unreferenced { strings: $_a = "ab" $b = "bc" condition: $b }
                rule two_offsets { strings: $a = "ab" condition: $a at 4 or $a at 8 }
                rule one_offset { strings: $a = "ab" condition: $a at 4 or $a at 4 }
                rule computed { strings: $a = "ab" condition: $a at (filesize - filesize + 4) }
                rule anonymous_at { strings: $a = "ab" $_c = "c" condition: for any of ($a) : ($ at 4) }
                rule hex_jump { strings: $a = { 61 [1-3] 63 } condition: $a at 4 }
                rule hex_plain { strings: $a = { 61 62 } condition: $a at 8 }
                rule regex { strings: $a = /b+c/ condition: $a at 9 }
                rule regex_plain { strings: $a = /abc/ condition: $a at 0 }
                rule wide_at { strings: $a = "ab" wide condition: $a at 33 }
                """);
        Files.write(dir.resolve("fast.bin"), ("abc abc abbbc ab AB xyz " + xor("xyz", 5) + " a\0b\0 ab a\0b\0 ab a\0b\0 ab")
                .getBytes(StandardCharsets.ISO_8859_1));
        // Strings used only as "$a at E" are checked at E instead of being searched (guards.bin is large enough for
        // the match cap, which decides at_past_cap: its match at 1,050,000 comes after the millionth).
        // Guards: the string-free operands of a condition's top-level "and". A scan does not search the strings of a
        // rule whose guard is false; nothing yara prints may change: not the matches of the rules that match, not
        // those -n -s prints, not a "too many matches" warning (guards.bin has over a million bytes).
        write("guards.yar", """
                import "pe"
                rule mz_guard { strings: $a = "alpha" condition: uint16(0) == 0x5a4d and $a }
                rule true_guard { strings: $a = "alpha" $b = { 00 00 00 } condition: uint16(0) == 0x6c61 and $a
                                  and filesize > 100 and #b > 2 }
                rule shared_closed { strings: $a = "beta" condition: filesize < 10 and $a }
                rule shared_open { strings: $a = "beta" condition: $a and filesize > 10 }
                rule undefined_guard { strings: $a = "alpha" condition: pe.number_of_sections > 0 and $a }
                rule not_undefined { strings: $a = "alpha" condition: not defined pe.number_of_sections and $a }
                rule nested { strings: $a = "alpha" $b = "beta" condition: ($a and (uint8(0) == 0x61 and $b))
                              and (filesize > 5 or uint8(0) == 0) }
                rule external_guard { strings: $a = "alpha" condition: ext == 1 and $a }
                rule or_not_guard { strings: $a = "alpha" condition: filesize < 10 or $a }
                private rule closed_private { strings: $a = "alpha" condition: filesize < 10 and $a }
                rule uses_private { strings: $a = "beta" condition: $a and not closed_private }
                rule closed_many { strings: $z = { 00 00 } condition: uint16(0) == 0x1234 and $z }
                rule closed_many_regex { strings: $z = /\\x00\\x00/ condition: filesize < 10 and $z }
                rule open_many { strings: $z = { 00 00 00 00 } condition: filesize > 10 and #z > 5 }
                rule closed_few { strings: $z = { 00 00 61 6c } condition: filesize < 10 and $z }
                rule unique_open { strings: $u = "gamma" condition: filesize > 10 and $u }
                rule unique_closed { strings: $u = "delta" condition: filesize < 10 and $u }
                rule at_zeros { strings: $z = { 00 00 ?? } condition: $z at 1000 }
                rule at_past_cap { strings: $z = { 00 00 00 00 ?? } condition: $z at 1050000 }
                rule at_text { strings: $t = "gamma" wide ascii condition: $t at 11 or $t at 17 }
                rule at_entry { strings: $e = { 61 6C [1-3] 68 } condition: $e at pe.entry_point }
                rule at_any { strings: $a = "alpha" $b = "beta" condition: for any of ($a, $b) : ($ at filesize - 4) }
                """);
        var guards = new ByteArrayOutputStream();
        guards.writeBytes("alpha beta gamma delta ".getBytes(StandardCharsets.ISO_8859_1));
        guards.writeBytes(new byte[1_100_000]);
        guards.writeBytes("alpha beta".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("guards.bin"), guards.toByteArray());
        write("guards_small.bin", "alpha beta alpha\0\0\0\0\0\0 beta gamma delta");
        // one run over both: the large file's patterns are made from the small file's (YaraPatterns.withDeferral)
        Files.createDirectories(dir.resolve("guardtree"));
        Files.copy(dir.resolve("guards_small.bin"), dir.resolve("guardtree/a_small.bin"));
        Files.copy(dir.resolve("guards.bin"), dir.resolve("guardtree/b_large.bin"));
        Files.copy(dir.resolve("guards_small.bin"), dir.resolve("guardtree/c_small.bin"));
        // In large data, strings the pass only counts (closed by a guard, or deferred) are searched alone afterwards
        // where their hits could start a million matches, and deferred strings of matching rules for -s: from the
        // hits the pass logged, around them only ($j reaches the cap from 7,000 hits, $n reaches no match, $d is
        // printed), or through the data again: strings whose hits start one match each are not logged ($z), and
        // $w and $h lose their logs past the budget (1.4 million hits each).
        write("logged.yar", """
                rule cap_far { strings: $j = { 00 [0-200] 41 42 43 44 } condition: uint16(0) == 0x1234 and $j }
                rule below_cap_far { strings: $n = { 01 [0-150] 45 46 47 48 } condition: filesize < 10 and $n }
                rule deferred_far { strings: $d = { 5A [0-120] 45 46 47 48 } condition: $d at 150 }
                rule open_far { strings: $o = { 5A [0-121] 45 46 47 48 } condition: #o > 100 }
                rule zeros_closed { strings: $z = { 00 00 } condition: filesize < 10 and $z }
                rule zeros_regex_closed { strings: $w = /[\\x00-\\x20]{1,10}\\x00\\x00/
                                          condition: filesize < 10 and $w }
                rule zeros_hex_closed { strings: $h = { ?? ?? [0-10] 00 00 } condition: filesize < 10 and $h }
                """);
        byte[] logged = new byte[7000 * 208];
        for (int b = 0; b < 7000; b++) {
            System.arraycopy("ABCDEFGH".getBytes(StandardCharsets.ISO_8859_1), 0, logged, b * 208 + 200, 8);
            if (b % 50 == 0) {
                logged[b * 208 + 150] = 'Z';
            }
        }
        Files.write(dir.resolve("logged.bin"), logged);
        Files.createDirectories(dir.resolve("loggedtree"));
        Files.copy(dir.resolve("guards_small.bin"), dir.resolve("loggedtree/a_small.bin"));
        Files.copy(dir.resolve("logged.bin"), dir.resolve("loggedtree/b_large.bin"));
        Files.copy(dir.resolve("guards_small.bin"), dir.resolve("loggedtree/c_small.bin"));
        // Strings without atoms (read at every offset) whose every rule also requires a string with atoms are searched
        // after the pass, and only where some rule found what it requires (or, in large data, where they could reach
        // the match cap): what yara prints must not change.
        write("afterpass.yar", """
                rule hex_after_key { strings: $k = "key=" $h = /[g-z]{6}/ condition: $k and $h }
                rule hex_after_missing { strings: $k = "nokey" $h = /[g-z]{8}/ condition: $k and #h > 1 }
                rule b64_after_atob { strings: $f = /(atob|btoa)/ nocase
                                      $b = /([A-Za-z0-9]{4})*([A-Za-z0-9]{2}==|[A-Za-z0-9]{3}=|[A-Za-z0-9]{4})/
                                      condition: $f and $b }
                rule b64_missing { strings: $f = "nobtoa"
                                   $b = /([A-Za-z0-9]{4})*([A-Za-z0-9]{2}==|[A-Za-z0-9]{3}=|[A-Za-z0-9]{4})/
                                   condition: $b and $f }
                rule shared_required { strings: $k = "key=" $h = /[g-z]{6}/ condition: $h and $k }
                rule plain_every { strings: $h = /[g-z]{7}/ condition: $h }
                rule shared_with_plain_a { strings: $k = "nokey" $h = /[g-z]{5}/ condition: $k and $h }
                rule shared_with_plain_b { strings: $h = /[g-z]{5}/ condition: #h > 2 }
                rule required_at { strings: $k = "key=" $h = /[g-z]{9}/ wide ascii condition: $k at 0 and $h }
                rule required_in { strings: $k = "key=" $h = /[g-z]{4}/ fullword
                                   condition: $k in (0..100) and $h and #h > 1 }
                rule two_required { strings: $k = "key=" $m = "nokey" $h = /[g-z]{10}/ condition: $k and $m and $h }
                private rule needs_key { strings: $k = "key=" $h = /[g-z]{11}/ condition: $k and $h }
                rule uses_needs_key { condition: needs_key }
                rule many_after_missing { strings: $k = "nokey" $g = /[G-Z]{6}/ condition: $k and $g }
                rule cap_count { strings: $k = "key=" $g = /[G-Z]{6}/ condition: $k and #g == 1000000 }
                rule required_deferred { strings: $q = "kez=" $h = /[g-z]{12}/ condition: $q at 0 and $h }
                rule cap_first { strings: $k = "nokey" $a = /[G-Y]{6}/ condition: $k and $a }
                rule cap_second { strings: $k = "nokey" $b = /[G-Y]{6}[ G-Z]/ condition: $k and $b }
                """);
        // [g-z] and [G-Z] have too many members for atoms: Vigil reads such strings at every offset
        write("afterpass_small.bin", "key=ghijklmnopqrstu and wxyz hijk wxyzgh1 atob(\"SGVsbG8gd29ybGQ=\") "
                + "ghij klmnopqrstuvwxyzghij GHIJKLMN \"g\0h\0i\0j\0k\0l\0m\0n\0o\0p\0\"");
        write("afterpass_nokey.bin", "kez=ghijklmnopqrstuvwxyz atob(\"SGVsbG8gd29ybGQ=\") ghijklmnop");
        var afterpass = new ByteArrayOutputStream();
        // cap_first's $a has one match more than cap_second's $b before the run: it reaches the cap one match sooner
        afterpass.writeBytes("key=ghijklmnopqrst GHIJKL1 ".getBytes(StandardCharsets.ISO_8859_1));
        // short runs: yara's regex scan of ([A-Za-z0-9]{4})* takes minutes over one long run of letters
        afterpass.writeBytes("GHIJKLMNOPQR ".repeat(170_000).getBytes(StandardCharsets.ISO_8859_1));
        afterpass.writeBytes(" atob QUJDRA== end".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("afterpass.bin"), afterpass.toByteArray());
        write("negate.yar", """
                rule partial : T1 { meta: a = "x" n = 3 strings: $a = "alpha" $b = "zzz" condition: $a and $b }
                rule whole : T2 T3 { meta: b = true strings: $a = "alpha" condition: $a }
                rule twice { strings: $a = "alpha" $h = { 62 65 } condition: #a > 1 and $h }
                """);
        write("bad.yar", """
                rule ok1 { condition: true }
                rule bad1 { condition: nothing_here }
                rule bad2 { strings: $a = "x" condition: #b > 0 }
                rule ok2 { strings: $a = { ?? ?? } condition: $a }
                rule bad3 { condition: ok1 and undefined_rule }
                rule dup { condition: true }
                rule dup { condition: true }
                """);
        write("mixed.yar", """
                rule s1 { strings: $a = /a.*b/ condition: $a }
                rule s2 { strings: $a = "a" condition: $a }
                rule bad { condition: 1 + "x" }
                rule s3 { strings: $a = { 00 ?? 00 } condition: $a }
                rule syn { condition: and }
                rule after { condition: true }
                """);
        // Atoms Vigil picks differently from yara, and strings asked about one offset, must not change what matches:
        // wide texts whose scan atom is a later window of the wide bytes than yara's first two characters (plain,
        // nocase, xor, ascii and wide); a run of zeros whose atom grows to four bytes; deferred strings ($ at E with
        // E not constant) that fail or pass on their first byte, in case and xor forms. atoms_large.bin is past a
        // million bytes, where deferred strings' hits are counted in the pass.
        write("atoms.yar", """
                rule wide_plain { strings: $m = "\\x00\\x00ER\\x00\\x00" wide condition: $m }
                rule wide_nocase { strings: $n = "\\x00\\x00er\\x00\\x00" wide nocase condition: $n }
                rule wide_xor { strings: $x = "\\x00\\x00Ab\\x00\\x00" wide xor(1-3) condition: $x }
                rule wide_ascii { strings: $b = "\\x00\\x00QZ\\x00\\x00" wide ascii condition: #b == 2 }
                rule zero_run { strings: $z = { 00 00 00 00 00 00 ?? ?? 00 00 00 00 00 ?? ?? 00 01 } condition: $z }
                rule zero_run_at { strings: $z = { 00 00 00 ?? 00 00 00 00 00 00 01 02 } condition: $z at uint16(0) }
                rule first_text { strings: $a = "JK" condition: $a at uint8(2) }
                rule first_text_miss { strings: $a = "KJ" condition: $a at uint8(2) }
                rule first_nocase { strings: $a = "jk" nocase condition: $a at uint8(2) }
                rule first_xor { strings: $a = "HI" xor(1-255) condition: $a at uint8(3) }
                rule first_hex { strings: $a = { 4A 4? ?? 00 } condition: $a at uint8(2) }
                rule first_hex_miss { strings: $a = { 4B 4? } condition: $a at uint8(2) }
                rule first_any { strings: $a = { ?? 4B } condition: $a at uint8(2) }
                rule first_regex { strings: $a = /[ij]k/ nocase condition: $a at uint8(2) }
                """);
        var atoms = new ByteArrayOutputStream();
        atoms.writeBytes(new byte[] {64, 0, 16, 32}); // the zero run at 64; the texts at 16; the xor form at 32
        atoms.writeBytes(new byte[12]);
        atoms.writeBytes("JK\0\0 ".getBytes(StandardCharsets.ISO_8859_1));
        atoms.writeBytes(new byte[11]);
        atoms.writeBytes(xor("HI", 7).getBytes(StandardCharsets.ISO_8859_1));
        atoms.writeBytes(new byte[30]);
        atoms.writeBytes(new byte[] {0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 1, 2});
        for (String form : List.of("\0\0\0\0E\0R\0\0\0\0\0", "\0\0\0\0e\0R\0\0\0\0\0", "\0\0QZ\0\0",
                "\0\0\0\0Q\0Z\0\0\0\0\0", "\0\0\0\0\0\0ab\0\0\0\0\0??\0\1")) {
            atoms.writeBytes(" ".repeat(5).getBytes(StandardCharsets.ISO_8859_1));
            atoms.writeBytes(form.getBytes(StandardCharsets.ISO_8859_1));
        }
        atoms.writeBytes(" ".getBytes(StandardCharsets.ISO_8859_1));
        atoms.writeBytes(xor("\0\0\0\0A\0b\0\0\0\0\0", 2).getBytes(StandardCharsets.ISO_8859_1));
        atoms.writeBytes(new byte[4000]);
        Files.write(dir.resolve("atoms.bin"), atoms.toByteArray());
        atoms.writeBytes(new byte[1_050_000]);
        atoms.writeBytes("\0\0\0\0E\0R\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("atoms_large.bin"), atoms.toByteArray());
        // Deferred strings in data past a million bytes: left out of the pass where a count of byte pairs shows that
        // none can reach the match cap (999,999 pairs "JK"), counted where one could (a million, and 1.1 million,
        // past the cap); see DeferredBoundTest. $z's one-byte 00 atom makes the check worth its read for this rule
        // set. With 999,999 matches of $t, yara 4.5.2 warns that the last string declared ($z of z_miss) "is taking
        // a very long time", its slow-scan heuristic, which Vigil does not have (docs/yara.md): -w there.
        write("bounded.yar", """
                rule t { strings: $t = "JK" condition: $t at uint8(0) }
                rule t_miss { strings: $t = "KJ" condition: $t at uint8(0) }
                rule z { strings: $z = { ?? 00 } condition: $z at filesize - 2 }
                rule z_miss { strings: $z = { ?? 00 } condition: $z at filesize - 3 }
                """);
        write("bounded_below.bin", "JK".repeat(999_999) + "\0\0");
        write("bounded_at_cap.bin", "JK".repeat(1_000_000) + "\0\0");
        write("bounded_over.bin", "JK".repeat(1_100_000) + "\0\0");
        // yara warns about .*, .+ and .{x,} in the top-level sequence and the sequences within it only
        write("dots.yar", """
                rule dots { strings: $top = /abc.*def/ $opt = /X-PHP: ([\\w\\.]+(.*\\.php))?/ $alt = /(ab.*c|de)/
                            $grp = /x(a.+b)y/ $rng = /a.{2,}b/ $only = /(.*)xyz/ $lazy = /q.*?r/ $alt2 = /ab|c.*d/
                            $cls = /m[\\x00-\\xff]*n/ $star = /(a.*b)*c/ condition: any of them }
                """);
        // "expression always false" for N of (...) over several lines: yara names the line after the expression
        write("warns_of.yar", "rule a {\n strings:\n  $a = \"xx1\"\n  $b = \"yy2\"\n condition:\n  3 of them\n}\n"
                + "rule b { strings: $a = \"xx3\" condition: 3 of them }\n"
                + "rule c { strings: $a = \"xx4\" $b = \"yy5\" condition:\n 3 of ($a, $b)\n and\n true }\n"
                + "rule e { strings: $a = \"xx7\" condition: 2 of them at\n 0\n}\n"
                + "rule h { strings: $a = \"xx9\" condition: (2 of them\n) }\n");
        write("warns.yar", """
                rule s1 { strings: $a = /a.*b/ condition: $a }
                rule s2 { strings: $a = "a" condition: $a }
                rule s3 { strings: $a = { 00 ?? 00 } condition: $a }
                rule s4 { strings: $a = "ab" condition: $a and 2 of them }
                rule s5 { condition: 0 }
                rule s6 { strings: $a = "abc" condition: #a > 0 and 1 }
                """);
        write("warns_then_error.yar", """
                rule s1 { strings: $a = "a" condition: $a }
                rule s7 { strings: $a = "abc" condition: "x" }
                """);
        write("good.yar", "rule good { condition: true }\n");
        write("after_rule.yar", "rule a { condition: true } xyz\n");
        write("open_condition.yar", "rule a {\n  strings: $a = \"x\"\n  condition: $a and\n}\n");
        write("wildcard.yar", """
                rule abc1 { condition: true }
                rule x { condition: any of (abc*) }
                rule abc2 { condition: true }
                """);
        write("duplicates.yar", "rule c { condition: true }\nrule c2 : t t { meta: a = 1 a = 2 condition: true }\n");
        write("unknown_module.yar", "import \"nope\"\nrule z { condition: true }\n");
        write("missing_include.yar", "include \"nofile.yar\"\nrule z { condition: true }\n");
        write("external_name.yar", "rule a { condition: true }\n");
        write("tags.yar", """
                rule r1 : A B { strings: $a = "alpha" condition: $a }
                rule r2 : B { strings: $a = "alpha" condition: $a }
                rule r3 : C { condition: true }
                rule r4 { condition: filesize > 100 }
                private rule r5 : A { condition: true }
                global rule g : A { condition: true }
                """);
        write("endless.yar", """
                rule endless { condition: for all i in (0..10000000000) : (i >= 0) }
                rule quick { condition: true }
                """);
        write("f.txt", "alpha alpha beta\n");
        write("tree/a.txt", "alpha alpha beta\n");
        write("tree/sub/b.txt", "alpha\n");
        byte[] big = new byte[3000];
        new Random(7).nextBytes(big);
        Files.write(dir.resolve("tree/big.bin"), big);
        Files.writeString(dir.resolve("tree/big.bin"), "alpha", StandardCharsets.ISO_8859_1,
                java.nio.file.StandardOpenOption.APPEND);
        // yara skips links whose target starts with "..", follows the others unless -N, and ignores dangling ones
        Files.createSymbolicLink(dir.resolve("tree/up_link"), Path.of("../f.txt"));
        Files.createSymbolicLink(dir.resolve("tree/file_link"), Path.of("a.txt"));
        Files.createSymbolicLink(dir.resolve("tree/dir_link"), Path.of("sub"));
        Files.createSymbolicLink(dir.resolve("tree/dangling"), Path.of("nowhere"));
        Files.write(dir.resolve("short.yarc"), "YARA\0".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("other_version.yarc"), "YARA\u0014\u0001".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("many_buffers.yarc"), "YARA\u0015\u0011".getBytes(StandardCharsets.ISO_8859_1));
        for (int seed = 0; seed < GENERATED; seed++) {
            generate(seed);
        }
    }

    /**
     * Rules whose strings (text, nocase, wide, xor, base64, fullword, hex with wildcards, jumps and alternatives,
     * regexes) are used each in one of the ways that decide fast mode and fixed offsets, and data full of their
     * matches.
     */
    private static void generate(int seed) throws Exception {
        Random r = new Random(seed);
        String[] strings = {"\"ab\"", "\"abc\" nocase", "\"ab\" wide ascii", "\"ab\" xor(1-3)", "{ 61 62 }",
                "{ 61 ?? 63 }", "{ 61 [0-2] 63 }", "/ab+c?/", "/a.c/", "\"bc\" fullword", "\"abc\" base64",
                "{ 62 ( 63 | 62 ) }"};
        String[] uses = {"$ID", "#ID > 1", "@ID[1] >= 0", "$ID at K", "$ID in (0..K)", "!ID[1] > 0", "any of ($*)"};
        int[] offsets = {0, 3, 4, 7, 12};
        StringBuilder rules = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            int n = 1 + r.nextInt(3);
            StringBuilder decl = new StringBuilder();
            List<String> conditions = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                decl.append(" $s").append(j).append(" = ").append(strings[r.nextInt(strings.length)]);
                conditions.add(uses[r.nextInt(uses.length)].replace("ID", "s" + j)
                        .replace("K", Integer.toString(offsets[r.nextInt(offsets.length)])));
            }
            rules.append("rule r").append(i).append(" { strings:").append(decl).append(" condition: ")
                    .append(String.join(r.nextBoolean() ? " or " : " and ", conditions)).append(" }\n");
        }
        write("gen" + seed + ".yar", rules.toString());
        String[] pieces = {"ab", "abc", "ABC", "a\0b\0", xor("ab", 2), "abbc", "bc ", " ", "YWJj", "xabcx", "bb"};
        var data = new ByteArrayOutputStream();
        for (int i = 0; i < 60; i++) {
            data.writeBytes(pieces[r.nextInt(pieces.length)].getBytes(StandardCharsets.ISO_8859_1));
        }
        Files.write(dir.resolve("gen" + seed + ".bin"), data.toByteArray());
    }

    private static String xor(String s, int key) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append((char) (c ^ key));
        }
        return b.toString();
    }

    private static void write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
    }

    static Stream<List<String>> commandLines() {
        List<List<String>> all = new ArrayList<>(List.of(
                // -f: a string only asked for as "$a" stops at its first match; #, @, !, at, in, of keep all
                List.of("-s", "@/fast.yar", "fast.bin"),
                List.of("-f", "-s", "@/fast.yar", "fast.bin"),
                List.of("-f", "-sL", "@/fast.yar", "fast.bin"),
                List.of("-f", "-c", "@/fast.yar", "fast.bin"),
                List.of("-f", "-n", "-s", "@/fast.yar", "fast.bin"),
                // literal strings used only as "$a at N" are searched at N alone
                List.of("-s", "@/fixed.yar", "fast.bin"),
                List.of("-f", "-s", "@/fixed.yar", "fast.bin"),
                // guards: what a rule whose guard is false would have matched is never seen, -n -s aside
                List.of("-s", "-d", "ext=1", "@/guards.yar", "guards.bin"),
                List.of("-s", "-d", "ext=2", "@/guards.yar", "guards_small.bin"),
                List.of("-s", "-d", "ext=1", "@/guards.yar", "guards_small.bin"),
                List.of("-n", "-s", "-d", "ext=2", "@/guards.yar", "guards_small.bin"),
                List.of("-f", "-s", "-d", "ext=1", "@/guards.yar", "guards.bin"),
                List.of("-p", "1", "-s", "-d", "ext=1", "@/guards.yar", "guardtree"),
                List.of("-w", "@/bounded.yar", "bounded_below.bin"),
                List.of("@/bounded.yar", "bounded_at_cap.bin"),
                List.of("@/bounded.yar", "bounded_over.bin"),
                List.of("-s", "@/atoms.yar", "atoms.bin"),
                List.of("-s", "@/atoms.yar", "atoms_large.bin"),
                List.of("@/dots.yar", "f.txt"),
                List.of("@/warns_of.yar", "f.txt"),
                List.of("-s", "@/logged.yar", "logged.bin"),
                List.of("-f", "-s", "@/logged.yar", "logged.bin"),
                List.of("-n", "-c", "@/logged.yar", "logged.bin"),
                List.of("-p", "1", "-s", "@/logged.yar", "loggedtree"),
                List.of("-s", "@/afterpass.yar", "afterpass_small.bin"),
                List.of("-s", "@/afterpass.yar", "afterpass_nokey.bin"),
                List.of("-f", "-s", "@/afterpass.yar", "afterpass_small.bin"),
                List.of("-n", "-s", "@/afterpass.yar", "afterpass_small.bin"),
                List.of("-c", "@/afterpass.yar", "afterpass_nokey.bin"),
                // -n prints non-matching rules fully: tags, meta, and the matches their strings had
                List.of("-n", "-m", "-s", "-g", "@/negate.yar", "f.txt"),
                List.of("-n", "-s", "-L", "-e", "@/negate.yar", "f.txt"),
                List.of("-n", "-c", "@/negate.yar", "f.txt"),
                // compile errors and warnings: yara's order, each file and line, and the first bad file ends it
                List.of("@/bad.yar", "f.txt"),
                List.of("@/mixed.yar", "f.txt"),
                List.of("-w", "@/mixed.yar", "f.txt"),
                List.of("@/warns.yar", "f.txt"),
                List.of("-w", "@/warns.yar", "f.txt"),
                List.of("--fail-on-warnings", "@/warns.yar", "f.txt"),
                List.of("-w", "--fail-on-warnings", "@/warns.yar", "f.txt"),
                List.of("@/warns_then_error.yar", "@/bad.yar", "f.txt"),
                List.of("@/bad.yar", "@/warns.yar", "f.txt"),
                List.of("@/warns.yar", "@/bad.yar", "f.txt"),
                List.of("@/good.yar", "missing.yar", "f.txt"),
                List.of("@/warns.yar", "missing.yar", "f.txt"),
                List.of("@/bad.yar", "missing.yar", "f.txt"),
                List.of("missing.yar", "@/bad.yar", "f.txt"),
                List.of("tree", "f.txt"),
                List.of("@/warns.yar", "tree", "f.txt"),
                List.of("--fail-on-warnings", "@/negate.yar", "missing.yar", "f.txt"),
                List.of("@/after_rule.yar", "f.txt"),
                List.of("@/open_condition.yar", "f.txt"),
                List.of("@/wildcard.yar", "f.txt"),
                List.of("@/duplicates.yar", "f.txt"),
                List.of("@/unknown_module.yar", "f.txt"),
                List.of("@/missing_include.yar", "f.txt"),
                List.of("-d", "a=1", "@/external_name.yar", "f.txt"),
                // -z applies to directory scans only
                List.of("-p", "1", "-r", "-z", "100", "@/tags.yar", "tree"),
                List.of("-p", "1", "-z", "18", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "-z", "-1", "@/tags.yar", "tree"),
                List.of("-z", "3", "@/tags.yar", "f.txt"),
                // -l counts matching rules over all files, in declaration order
                List.of("-p", "1", "-r", "-l", "1", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "-l", "3", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "-l", "5", "-n", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "-l", "2", "-c", "@/tags.yar", "tree"),
                List.of("-l", "1", "-c", "@/tags.yar", "f.txt"),
                // several -t and -i; -i decides over -t
                List.of("-p", "1", "-r", "-t", "A", "-t", "C", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "-n", "-t", "B", "-t", "A", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "-i", "r1", "-i", "r3", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "-i", "r3", "-i", "nope", "-t", "A", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "-g", "-s", "-t", "A", "-t", "B", "@/tags.yar", "tree"),
                // symlinks: followed unless -N, but never those whose target starts with ".."
                List.of("-p", "1", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "@/tags.yar", "tree"),
                List.of("-p", "1", "-N", "@/tags.yar", "tree"),
                List.of("-p", "1", "-r", "-N", "@/tags.yar", "tree"),
                // -a: a scan out of time reports no rule, only the error
                List.of("-a", "1", "@/endless.yar", "f.txt"),
                List.of("-a", "1", "-c", "@/endless.yar", "f.txt"),
                // -C: what yara refuses, Vigil refuses with yara's words
                List.of("-C", "tags.yar", "f.txt"),
                List.of("-C", "missing.yarc", "f.txt"),
                List.of("-C", "tree", "f.txt"),
                List.of("-C", "short.yarc", "f.txt"),
                List.of("-C", "other_version.yarc", "f.txt"),
                List.of("-C", "many_buffers.yarc", "f.txt"),
                List.of("-C", "a.yarc", "b.yar", "f.txt")));
        for (int seed = 0; seed < GENERATED; seed++) {
            all.add(List.of("-w", "-s", "@/gen" + seed + ".yar", "gen" + seed + ".bin"));
            all.add(List.of("-w", "-f", "-s", "@/gen" + seed + ".yar", "gen" + seed + ".bin"));
            all.add(List.of("-w", "-f", "-n", "-sL", "@/gen" + seed + ".yar", "gen" + seed + ".bin"));
        }
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void sameAsYara(List<String> given) throws Exception {
        YaraOracle.assumeYara();
        // rule files by absolute path ("@/"): diagnostics name them as given, and the in-process run's working
        // directory is not the process's
        List<String> args = given.stream().map(a -> a.replace("@/", dir + "/")).toList();
        Oracle.Output expected = YaraOracle.yara(dir, args);
        Oracle.Output actual = YaraOracle.vigil(dir, args);
        assertThat(actual.stdout()).as("stdout").isEqualTo(expected.stdout());
        assertThat(actual.stderr()).as("stderr").isEqualTo(expected.stderr());
        assertThat(actual.exit()).as("exit status").isEqualTo(expected.exit());
    }

    /**
     * Strings searched after the pass, in data of over a million bytes: those a rule needs (cap_count's $g reaches
     * the match cap, and the cap decides its count) and those no rule needs that reach the cap, which yara warns
     * about all the same, in the order the strings reached it (cap_first's one match before cap_second's). yara also warns that scanning with a string "is taking a very long time" (a heuristic of
     * its Aho-Corasick scan, raised here for its strings without atoms), which Vigil does not reproduce
     * (docs/yara.md): this test shows that yara prints it and compares the rest.
     */
    @Test
    void stringsSearchedAfterThePassInLargeDataAsYara() throws Exception {
        YaraOracle.assumeYara();
        for (List<String> given : List.of(List.of("-s", "@/afterpass.yar", "afterpass.bin"),
                List.of("-n", "@/afterpass.yar", "afterpass.bin"))) {
            List<String> args = given.stream().map(a -> a.replace("@/", dir + "/")).toList();
            Oracle.Output expected = YaraOracle.yara(dir, args);
            Oracle.Output actual = YaraOracle.vigil(dir, args);
            String slow = "is taking a very long time, it is either too general or very common.";
            assertThat(expected.stderr()).as("yara's heuristic warning").contains(slow);
            String yaraStderr = expected.stderr().lines().filter(l -> !l.contains(slow))
                    .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
            assertThat(yaraStderr).as("the cap warnings").contains("too many matches for $g")
                    .contains("too many matches for $b");
            assertThat(actual.stdout()).as("stdout").isEqualTo(expected.stdout());
            assertThat(actual.stderr()).as("stderr").isEqualTo(yaraStderr);
            assertThat(actual.exit()).as("exit status").isEqualTo(expected.exit());
        }
    }

    /** Fast mode must change something on these inputs, or the -f cases above would prove nothing. */
    @Test
    void fastModeChangesTheOutput() throws Exception {
        YaraOracle.assumeYara();
        String rules = dir.resolve("fast.yar").toString();
        Oracle.Output all = YaraOracle.yara(dir, List.of("-s", rules, "fast.bin"));
        Oracle.Output fast = YaraOracle.yara(dir, List.of("-f", "-s", rules, "fast.bin"));
        assertThat(fast.stdout()).isNotEqualTo(all.stdout());
    }

    /**
     * The one deliberate difference: a genuine yarac 4.5.2 file, which yara loads, is refused with a clear message
     * (Vigil cannot read yara's memory dump format).
     */
    @Test
    void genuineCompiledRulesAreRefusedClearly() throws Exception {
        YaraOracle.assumeYara();
        Path yarac = Path.of("/usr/bin/yarac");
        Oracle.assumeAvailable(Files.isExecutable(yarac), "yarac");
        Process p = new ProcessBuilder(yarac.toString(), "tags.yar", "tags.yarc").directory(dir.toFile())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        Oracle.Output yara = YaraOracle.yara(dir, List.of("-C", "tags.yarc", "f.txt"));
        assertThat(yara.exit()).isZero();
        Oracle.Output vigil = YaraOracle.vigil(dir, List.of("-C", "tags.yarc", "f.txt"));
        assertThat(vigil.exit()).isEqualTo(1);
        assertThat(vigil.stdout()).isEmpty();
        assertThat(vigil.stderr()).isEqualTo("error: -C (--compiled-rules): Vigil does not read rules compiled by "
                + "yarac; pass the rule sources instead.\n");
    }
}
