package dev.vigil.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil yara} against {@code yara} 4.5.2 on the same rules, files and options: stdout, stderr and exit status
 * must be identical. Directory scans use {@code -p 1}: yara prints in its threads' finishing order otherwise (both
 * walk directories in readdir order). Needs Vigil's YARA engine.
 */
class YaraComparisonTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void writeTree() throws Exception {
        write("main.yar", """
                import "console"
                rule plain : T1 { strings: $a = "alpha" condition: $a }
                rule tagged : T1 T2 {
                    meta: author = "someone \\"quoted\\"" level = 3 active = true
                    strings: $h = { 62 65 74 61 } $w = "gamma" wide $x = "delta" xor(1-8) $n = "EPSILON" nocase
                    condition: any of them
                }
                private rule hidden { strings: $p = "alpha" condition: $p }
                rule uses_private { condition: hidden and filesize > 3 }
                rule never { condition: false }
                rule sized : big { condition: filesize > 100 }
                rule regex { strings: $r = /a[lp]+ha/ fullword condition: #r > 0 }
                rule logs { condition: console.log("size: ", filesize) and false }
                """);
        write("globals.yar", """
                global rule only_small { condition: filesize < 50 }
                rule any_file { condition: true }
                """);
        write("ext.yar", """
                rule ints { condition: x == 5 }
                rule strs { condition: s == "str" and s contains "t" }
                rule floats { condition: f > 1.4 and f < 1.6 }
                rule bools { condition: b }
                """);
        write("bad.yar", "rule broken { condition: nothing_here }\n");
        write("syntax.yar", "rule a { strings: $a = \"x\" condition: }\n");
        write("warn.yar", "rule w { strings: $a = /a\\qb/ condition: $a }\n");
        write("slow.yar", "rule slow { strings: $a = { ?? ?? } condition: $a }\n");
        write("inc.yar", "include \"main.yar\"\nrule after { condition: plain }\n");
        write("files/a.txt", "alpha beta\n");
        Files.write(dir.resolve("files/b.bin"), ("xx g\0a\0m\0m\0a\0 " + xor("delta", 5) + " epsilon " + "z".repeat(120))
                .getBytes(StandardCharsets.ISO_8859_1));
        write("files/empty", "");
        write("files/sub/c.txt", "alpha\n");
        write("files/sub/deeper/d.txt", "no match here\n");
        write("list.txt", "files/a.txt\nfiles/sub\nfiles/missing\n");
        writeIntegerReads();
    }

    /**
     * Every integer read function at offsets around Vigil's 4 KiB read blocks (crossing them, far apart and back,
     * near the end), each value printed with {@code console.log}, over 10,000 seeded random bytes.
     */
    private static void writeIntegerReads() throws Exception {
        byte[] data = new byte[10_000];
        new java.util.Random(4096).nextBytes(data);
        Files.createDirectories(dir.resolve("data"));
        Files.write(dir.resolve("data/ints.bin"), data);
        // one rule per read: a call with an undefined argument is undefined and would end a chain of them
        StringBuilder rules = new StringBuilder("import \"console\"\n");
        String[] functions = {"uint8", "uint16", "uint32", "int8", "int16", "int32", "uint16be", "uint32be",
                "int16be", "int32be"};
        String[] offsets = {"0", "4093", "4094", "4095", "4096", "0x3c", "8190", "8191", "8192", "1", "9996",
                "9997", "9999", "filesize", "4095 + uint8(0) % 4"};
        int n = 0;
        for (String f : functions) {
            for (String at : offsets) {
                String read = f + "(" + at + ")";
                rules.append("rule read").append(n++).append(" { condition: console.log(\"").append(read)
                        .append(": \", ").append(read).append(") and false }\n");
            }
        }
        write("ints.yar", rules.toString());
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
        return Stream.of(
                List.of("@/main.yar", "files/a.txt"),
                List.of("-s", "@/main.yar", "files/a.txt"),
                List.of("-s", "@/main.yar", "files/b.bin"),
                List.of("-sgmeLX", "@/main.yar", "files/b.bin"),
                List.of("-q", "-s", "@/main.yar", "files/b.bin"),
                List.of("-c", "@/main.yar", "files/b.bin"),
                List.of("-c", "-p", "1", "-r", "@/main.yar", "files"),
                List.of("-p", "1", "@/main.yar", "files"),
                List.of("-p", "1", "-r", "-s", "@/main.yar", "files"),
                List.of("-p", "1", "-r", "@/main.yar", "files/"),
                List.of("-p", "1", "-r", "-z", "20", "@/main.yar", "files"),
                List.of("-p", "1", "--scan-list", "@/main.yar", "list.txt"),
                List.of("-n", "@/main.yar", "files/a.txt"),
                List.of("-n", "-i", "never", "@/main.yar", "files/a.txt"),
                List.of("-n", "-g", "@/main.yar", "files/empty"),
                List.of("-n", "-t", "T2", "@/main.yar", "files/a.txt"),
                List.of("-t", "T2", "@/main.yar", "files/b.bin"),
                List.of("-t", "nope", "-c", "@/main.yar", "files/b.bin"),
                List.of("-i", "plain", "-i", "regex", "@/main.yar", "files/a.txt"),
                List.of("-l", "1", "@/main.yar", "files/a.txt"),
                List.of("-l", "2", "-p", "1", "-r", "@/main.yar", "files"),
                List.of("-n", "-l", "1", "@/main.yar", "files/a.txt"),
                List.of("-c", "-l", "3", "-p", "1", "-r", "@/main.yar", "files"),
                List.of("-f", "-s", "@/main.yar", "files/b.bin"),
                List.of("@/main.yar", "files/empty"),
                List.of("@/ints.yar", "data/ints.bin"),
                List.of("@/globals.yar", "files/a.txt"),
                List.of("@/globals.yar", "files/b.bin"),
                List.of("-e", "one:@/main.yar", "two:@/globals.yar", "files/a.txt"),
                List.of("-e", "@/inc.yar", "files/a.txt"),
                List.of("-d", "x=5", "-d", "s=str", "-d", "f=1.5", "-d", "b=true", "@/ext.yar", "files/a.txt"),
                List.of("-d", "x=4294967301", "-d", "s=str", "-d", "f=1.50", "-d", "b=false", "@/ext.yar", "files/a.txt"),
                List.of("-d", "x", "-d", "s=str", "@/ext.yar", "files/a.txt"),
                List.of("@/ext.yar", "files/a.txt"),
                List.of("@/bad.yar", "files/a.txt"),
                List.of("@/syntax.yar", "files/a.txt"),
                List.of("@/main.yar", "@/bad.yar", "files/a.txt"),
                List.of("missing.yar", "files/a.txt"),
                List.of("@/main.yar", "files/missing"),
                List.of("-E", "@/warn.yar", "files/a.txt"),
                List.of("@/warn.yar", "files/a.txt"),
                List.of("-w", "-E", "@/warn.yar", "files/a.txt"),
                List.of("--fail-on-warnings", "-E", "@/warn.yar", "files/a.txt"),
                List.of("@/slow.yar", "files/a.txt"),
                List.of("--threads=", "@/main.yar", "files/a.txt"),
                List.of("--threads=040", "@/main.yar", "files/a.txt"),
                List.of("-", "--"),
                List.of("--", "files/a.txt"));
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

    @Test
    void unsupportedOptionsAreRefusedClearly() {
        for (String opt : List.of("-D", "-S", "--atom-quality-table=x", "-M")) {
            Oracle.Output o = YaraOracle.vigil(dir, List.of(opt, "main.yar", "files/a.txt"));
            assertThat(o.exit()).as(opt).isEqualTo(1);
            assertThat(o.stderr()).as(opt).contains("not supported");
        }
        Oracle.Output x = YaraOracle.vigil(dir, List.of("-x", "cuckoo=r.json", "main.yar", "files/a.txt"));
        assertThat(x.stderr()).contains("not supported");
    }
}
