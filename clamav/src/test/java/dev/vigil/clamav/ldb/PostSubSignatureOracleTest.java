package dev.vigil.clamav.ldb;

import dev.vigil.engine.ir.SubSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PCRE and byte-compare subsignatures against clamscan. Each case is a signature {@code 0&1=N}: subsignature 0 a
 * marker at the start of the file, subsignature 1 the case, and N the count Vigil computes on that file; clamscan
 * must report the signature exactly when its own count is N too.
 */
class PostSubSignatureOracleTest {
    /** Every input starts with this: binary (no text normalisation layer) and holding the marker at offset 2. */
    private static final byte[] HEADER = {0, (byte) 0xff, (byte) 0xa7, 0x5c, 0x00, (byte) 0xe3};
    private static final String MARKER = "a75c00e3";
    private static final long MARKER_OFFSET = 2;

    record Case(String subsignature, String text) {
    }

    static List<Case> pcreCases() {
        return List.of(
                new Case("0/abc/", "xxabcxxabc"), new Case("0/abc/g", "xxabcxxabc"),
                new Case("6:0/abc/g", "abcabcxabc"), new Case("8:0/abc/", "xxabc"), new Case("7:0/abc/", "xxabc"),
                new Case("7:0/abc/r", "xxabc"), new Case("6,5:0/abc/", "xxabc"), new Case("6,1:0/abc/", "xxabc"),
                new Case("6,4:0/abc/e", "xxabcxx"), new Case("6,5:0/abc/e", "xxabcxx"),
                new Case("6,5:0/abc/eg", "abcabcabc"), new Case("6,6:0/abc/g", "abcabcabc"),
                new Case("0/ABC/i", "xxabc"), new Case("0/ABC/", "xxabc"),
                new Case("0/a.c/", "a\nc"), new Case("0/a.c/s", "a\nc"), new Case("0/a.c/", "a\rc"),
                new Case("0/^abc/", "x\nabc"), new Case("0/^abc/m", "x\nabc"),
                new Case("0/abc$/", "abc\n"), new Case("0/abc$/E", "abc\n"), new Case("0/abc$/mE", "abc\nx"),
                new Case("0/a b c/x", "abc"), new Case("0/a b # c/x", "ab"),
                new Case("0/a+/g", "aaa ba"), new Case("0/a+/gU", "aaa ba"), new Case("0/a+?/gU", "aaa ba"),
                new Case("0/abc/A", "abc"), new Case("6:0/abc/A", "abc"),
                new Case("0/\\x41\\x{42}C/", "ABC"), new Case("0/(a)(?:b)\\1/", "aba"),
                new Case("0/[[:digit:]]+/g", "12 34 5"), new Case("0/\\bfoo\\b/g", "foo foobar foo"),
                new Case("0/(?<=x)y/g", "xy y xy"), new Case("EOF-3:0/abc/", "abcabc"),
                new Case("EOF-4:0/abc/", "abcabc"), new Case("0/\\d{2,3}/g", "1234567"),
                new Case("0/\\xe9/i", "\u00c9"), new Case("0/\\w+/g", "ab\u00e9cd"),
                new Case("0/a\\sb/", "a\u000bb"), new Case("0/a.b/", "a\u0085b"), new Case("0/a{x}/", "a{x}"),
                new Case("0/\\Qa.b\\E/g", "a.b axb"), new Case("0/(?i)abc/", "ABC"), new Case("0/[]a]+/g", "]a] b"),
                new Case("0/(?<n>ab)\\k<n>/", "abab"), new Case("0/a\\Rb/g", "a\r\nb a\nb a\u0085b"),
                new Case("0/[^a-c]+/g", "abcxyzabq"),
                new Case("0/\\141\\0142/", "ab"), new Case("0/a\\Z/", "a\n"), new Case("0/a\\z/", "a\n"),
                new Case("0/[a\\d-]+/g", "1-z a"), new Case("0/(?s).+/", "a\nb"), new Case("0/a\\/b/", "a/b"),
                new Case("0/\\x3B/", "a;b"), new Case("0/(?>a+)b/", "aaab"), new Case("0/a++a/", "aaaa"));
    }

    static List<Case> byteCompareCases() {
        return List.of(
                new Case("0(>>4#hb2#=18)", "12"), new Case("0(>>4#hl4#=0x3412)", "1234"),
                new Case("0(>>4#hl3#=0x2301)", "123"), new Case("0(>>4#hl3#=0x1230)", "123"),
                new Case("0(>>4#db3#=123)", "123"), new Case("0(>>4#db4#=123)", " 123"),
                new Case("0(>>4#dbe4#=123)", " 123"), new Case("0(>>4#dbe3#=12)", "12x"),
                new Case("0(>>4#db3#=12)", "12x"), new Case("0(>>4#ib2#=0x4142)", "AB"),
                new Case("0(>>4#il2#=0x4241)", "AB"), new Case("0(>>4#il4#>0)", "ABCD"),
                new Case("0(>>4#ib8#<0)", "\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00ff\u00fe"),
                new Case("0(>>4#ab4#=31)", "0x1f"), new Case("0(>>4#ab3#=123)", "123"),
                new Case("0(>>4#ab2#=12)", "12"), new Case("0(>>4#al4#=0x1f)", "0x1f"),
                new Case("0(>>4#al6#=0x3412)", "0x1234"), new Case("0(>>4#hl6#=0x3412)", "0x1234"),
                new Case("0(<<1#ib1#=255)", ""), new Case("0(>>4#hb2#>10,<20)", "12"),
                new Case("0(>>4#hb2#>10,<15)", "12"), new Case("0(>>100#hb2#=1)", "12"),
                new Case("0(>>4#h2#=18)", "12"), new Case("0(>>4#hb4#=-1)", "-001"),
                new Case("0(>>4#hb6#=4660)", "0x1234"), new Case("0(>>4#db3#=0)", "abc"),
                new Case("0(>>4#hbe3#=2748)", "abc"), new Case("0(>>4#hbe4#=2748)", "abcz"),
                new Case("0(>>4#i2#=0x4142)", "AB"), new Case("0(>>0x4#hb2#=18)", "12"),
                new Case("0(>>4#db20#=99999999999999999999)", "99999999999999999999"),
                new Case("0(>>4#db2#=-5)", "-5"), new Case("0(>>4#hl2#=0x21)", "12"),
                new Case("0(>>4#hl1#=1)", "1"), new Case("0(>>4#hle3#=0x2301)", "123"),
                new Case("0(>>4#hb2#=0)", "zz"), new Case("0(>>4#hl4#=0)", "12zz"),
                new Case("0(>>4#hl4#=0x12)", "zz12"));
    }

    private static byte[] file(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEADER);
        out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static int vigilCount(String subsignature, byte[] data) throws Exception {
        LdbParser.Kind[] kinds = {LdbParser.Kind.CONTENT, LdbParser.kindOf(subsignature)};
        SubSignature.Post post = kinds[1] == LdbParser.Kind.PCRE
                ? PcreSubSignature.parse(subsignature, 1, 0)
                : ByteCompareSubSignature.parse(subsignature, 1, kinds);
        return post.evaluate(new TestContext(data, new int[] {1, 0}, new long[][] {{MARKER_OFFSET}, {}}),
                new int[] {1, 0});
    }

    private static void compare(String prefix, String tdb, List<Case> cases, Path tmp) throws Exception {
        Clamscan.assumeAvailable();
        Path inputs = Files.createDirectories(tmp.resolve("inputs"));
        StringBuilder db = new StringBuilder();
        List<String> expectations = new ArrayList<>();
        for (int j = 0; j < cases.size(); j++) {
            Case c = cases.get(j);
            byte[] data = file(c.text());
            Files.write(inputs.resolve(prefix + j), data);
            int n = vigilCount(c.subsignature(), data);
            db.append(prefix).append(j).append(';').append(tdb).append(";0&1=").append(n).append(';')
                    .append(MARKER).append(';').append(c.subsignature()).append('\n');
            expectations.add(c.subsignature() + " on " + c.text().replace("\n", "\\n") + " count " + n);
        }
        Path ldb = tmp.resolve(prefix + ".ldb");
        Files.writeString(ldb, db, StandardCharsets.ISO_8859_1);
        Map<String, Set<String>> found = Clamscan.scan(ldb, inputs);
        List<String> mismatches = new ArrayList<>();
        for (int j = 0; j < cases.size(); j++) {
            if (!found.getOrDefault(prefix + j, Set.of()).contains(prefix + j)) {
                mismatches.add(expectations.get(j));
            }
        }
        assertThat(mismatches).as("cases where clamscan's count differs").isEmpty();
    }

    @Test
    void pcreCountsAgreeWithClamscan(@TempDir Path tmp) throws Exception {
        compare("P", "Target:0", pcreCases(), tmp);
    }

    @Test
    void byteComparesAgreeWithClamscan(@TempDir Path tmp) throws Exception {
        compare("B", "Engine:81-255,Target:0", byteCompareCases(), tmp);
    }
}
