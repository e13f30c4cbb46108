package dev.vigil.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The scan command lines {@link ScanArgsFastPath} reads must come out exactly as picocli reads them. */
class ScanArgsFastPathTest {
    private static final Io IO = new Io(Path.of("."), new ByteArrayInputStream(new byte[0]),
            new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), false);

    /**
     * One command line for all comparisons: building picocli's model is what is slow, and picocli resets every option
     * to its initial value before each parse (were it not to, the comparisons would fail, not pass).
     */
    private static final CommandLine PICOCLI = Main.commandLine(IO, "scan");

    /** Every option field of the command as picocli leaves it, or null when picocli refuses the line. */
    private static Map<String, Object> picocli(String... args) {
        CommandLine cl = PICOCLI;
        try {
            CommandLine.ParseResult r = cl.parseArgs(ClamscanArgs.normalize(args, cl.getSubcommands().get("scan")));
            return fields(r.subcommand().commandSpec().commandLine().getCommand());
        } catch (CommandLine.ParameterException e) {
            return null;
        }
    }

    private static Map<String, Object> fast(String... args) {
        ScanCommand c = ScanArgsFastPath.parse(args, IO);
        return c == null ? null : fields(c);
    }

    private static Map<String, Object> fields(ScanCommand c) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            for (Field f : ScanCommand.class.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType() == Io.class) {
                    continue;
                }
                f.setAccessible(true);
                out.put(f.getName(), f.get(c));
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    private static void sameAsPicocli(String... args) {
        Map<String, Object> fast = fast(args);
        assertThat(fast).as("fast path reads %s", List.of(args)).isNotNull();
        assertThat(fast).as("%s", List.of(args)).isEqualTo(picocli(args));
    }

    @Test
    void readsPlainCommandLinesAsPicocliDoes() {
        sameAsPicocli("scan");
        sameAsPicocli("scan", "--no-summary", "-d", "db.vimg", "empty");
        sameAsPicocli("scan", "-r", "-z", "-i", "-o", "--no-summary", "--detect-pua", "--json", "--no-progress",
                "--alert-exceeds-max", "-d", "a.cvd", "--database=dir", "--database", "x y", "p1", "p2");
        sameAsPicocli("scan", "--recursive=yes", "--allmatch=no", "--infected=TRUE", "--json=false", "p");
        sameAsPicocli("scan", "-r", "--recursive=no", "p");
        sameAsPicocli("scan", "--rules", "r.yar", "--rules=s.yar", "-f", "list", "--file-list=other");
        sameAsPicocli("scan", "--max-filesize", "10M", "--max-scansize=1g", "--max-embeddedpe", "0",
                "--max-htmlnormalize=7K", "--max-htmlnotags", "123", "--max-scriptnormalize=9m",
                "--max-ziptypercg", "1", "--pcre-max-filesize=2G");
        sameAsPicocli("scan", "--max-recursion", "3", "--max-files=0", "--max-scantime", "0042",
                "--max-dir-recursion=2", "--follow-dir-symlinks", "0", "--follow-file-symlinks=2", "--threads", "3");
        sameAsPicocli("scan", "--max-partitions", "1", "--max-iconspe=2", "--max-rechwp3", "3",
                "--pcre-match-limit=4", "--pcre-recmatch-limit", "5", "--max-partitions=6");
        sameAsPicocli("scan", "--scan-archive=no", "--alert-encrypted=yes", "--alert-encrypted-archive=No",
                "--cross-fs", "no", "--cross-fs=YES");
        sameAsPicocli("scan", "--threads", "9", "--threads=2", "-d", "a", "-d", "b");
        sameAsPicocli("scan", "p", "--", "-r", "--json", "-", "--", "x=y");
        sameAsPicocli("scan", "a=b", "-d", "c=d", "--database=e=f", "--database=@g", "ü/ñ");
        // values picocli accepts and the launcher's users may write, e.g. follow-symlinks 9 (refused later by call())
        sameAsPicocli("scan", "--follow-dir-symlinks", "9", "--threads", "0", "--max-files", "2147483647");
    }

    @Test
    void leavesEverythingElseToPicocli() {
        String[][] declined = {
                {"scan", "-h"}, {"scan", "--help"}, {"scan", "-V"}, {"scan", "--version"}, {"scan", "--help=no"},
                {"scan", "-ri", "p"}, {"scan", "-dDB", "p"}, {"scan", "-d=DB"}, {"scan", "-"}, {"scan", "@args"},
                {"scan", ""}, {"scan", "--nope"}, {"scan", "-x"}, {"scan", "-d"}, {"scan", "-d", "-r"},
                {"scan", "-d", "@x"}, {"scan", "-d", ""}, {"scan", "--database="}, {"scan", "--json=maybe"},
                {"scan", "--scan-archive"}, {"scan", "--scan-archive", "no"}, {"scan", "--alert-encrypted"},
                {"scan", "--max-filesize", "10X"}, {"scan", "--threads", "-1"}, {"scan", "--threads=-1"},
                {"scan", "--threads", "+1"}, {"scan", "--threads", "0x10"}, {"scan", "--max-files", "99999999999"},
                {"scan", "--cross-fs", "maybe"}, {"scan", "--scan-archive=1"}, {"scan", "-d", "nul\0byte"},
                {"yara", "scan"}, {"compile", "-d", "x"}, {"--version"}, {}, {"scan", "-r=yes"},
        };
        for (String[] args : declined) {
            assertThat(fast(args)).as("%s", List.of(args)).isNull();
        }
    }

    /**
     * Random command lines from a pool of good and bad arguments: whatever the fast path reads, picocli reads too,
     * with the same result.
     */
    @Test
    void randomCommandLinesAgreeWithPicocli() {
        String[] pool = {"-r", "--recursive", "--recursive=yes", "--recursive=no", "-z", "--allmatch=true", "-i",
                "--infected", "-o", "--suppress-ok-results=no", "--no-summary", "--detect-pua", "--json",
                "--no-progress", "--alert-exceeds-max", "--alert-exceeds-max=yes", "-d", "--database", "--database=db",
                "--rules", "-f", "--file-list=fl", "--max-filesize", "--max-filesize=5k", "--max-scansize",
                "--max-recursion", "--max-files=7", "--max-scantime", "--max-embeddedpe", "--max-htmlnormalize",
                "--max-htmlnotags", "--max-scriptnormalize=1", "--max-ziptypercg", "--pcre-max-filesize",
                "--max-partitions", "--max-iconspe=3", "--pcre-match-limit", "--scan-archive=no",
                "--scan-archive", "--alert-encrypted=yes", "--alert-encrypted-archive", "--max-dir-recursion",
                "--follow-dir-symlinks", "--follow-file-symlinks=0", "--cross-fs", "--cross-fs=no", "--threads",
                "--threads=4", "-h", "-V", "--", "-", "-ri", "--bogus", "path", "other/path", "12", "0", "3M",
                "yes", "no", "x=y", "@f", "", "-1", "007", "9999999999"};
        Random random = new Random(20261124);
        int read = 0;
        for (int n = 0; n < 3000; n++) {
            List<String> args = new ArrayList<>();
            args.add("scan");
            int len = random.nextInt(8);
            for (int k = 0; k < len; k++) {
                args.add(pool[random.nextInt(pool.length)]);
            }
            String[] a = args.toArray(String[]::new);
            Map<String, Object> fast = fast(a);
            if (fast != null) {
                read++;
                assertThat(fast).as("%s", args).isEqualTo(picocli(a));
            }
        }
        assertThat(read).as("lines the fast path read").isGreaterThan(300);
    }
}
