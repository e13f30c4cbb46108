package dev.vigil.cli;

import dev.vigil.engine.ScanLimits;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScanCommandParsingTest {

    private static ScanSettings parse(String... args) {
        Io io = new Io(Path.of("."), new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()), false);
        CommandLine cl = Main.commandLine(io);
        CommandLine.ParseResult r = cl.parseArgs(ClamscanArgs.normalize(args, cl.getSubcommands().get("scan")));
        ScanCommand scan = r.subcommand().commandSpec().commandLine().getCommand();
        return scan.settings();
    }

    @Test
    void defaultsAreClamscans() {
        ScanSettings s = parse("scan");
        assertThat(s.paths()).isEmpty();
        assertThat(s.recursive()).isFalse();
        assertThat(s.databases()).isEmpty();
        assertThat(s.limits().maxFileSize()).isEqualTo(ScanLimits.DEFAULT.maxFileSize()).isEqualTo(100L << 20);
        assertThat(s.limits().maxScanSize()).isEqualTo(400L << 20);
        assertThat(s.maxDirRecursion()).isEqualTo(15);
        assertThat(s.links()).isEqualTo(new Walker.LinkPolicy(1, 1));
        assertThat(s.crossFilesystems()).isTrue();
        assertThat(s.progress()).isTrue();
        assertThat(s.threads()).isBetween(1, 8);
    }

    @Test
    void shortAndLongFlags() {
        ScanSettings s = parse("scan", "-r", "-z", "-i", "-o", "--no-summary", "--detect-pua", "--json",
                "--no-progress", "-d", "a.cvd", "--database=dir", "x", "-", "y");
        assertThat(s.recursive()).isTrue();
        assertThat(s.allMatch()).isTrue();
        assertThat(s.infectedOnly()).isTrue();
        assertThat(s.suppressOk()).isTrue();
        assertThat(s.noSummary()).isTrue();
        assertThat(s.detectPua()).isTrue();
        assertThat(s.json()).isTrue();
        assertThat(s.progress()).isFalse();
        assertThat(s.databases()).containsExactly(Path.of("a.cvd"), Path.of("dir"));
        assertThat(s.paths()).containsExactly("x", "-", "y");
    }

    @Test
    void clamscanYesNoValues() {
        assertThat(parse("scan", "--recursive=yes", "--allmatch=no", "p").recursive()).isTrue();
        assertThat(parse("scan", "--recursive=no", "p").recursive()).isFalse();
        assertThat(parse("scan", "--allmatch=yes", "p").allMatch()).isTrue();
        assertThat(parse("scan", "--cross-fs=no", "p").crossFilesystems()).isFalse();
        // after "--" everything is a path, even what looks like an option
        assertThat(parse("scan", "--", "--recursive=yes").paths()).containsExactly("--recursive=yes");
    }

    @Test
    void sizesUseClamscanUnits() {
        ScanSettings s = parse("scan", "--max-filesize=10k", "--max-scansize", "2G");
        assertThat(s.limits().maxFileSize()).isEqualTo(10 * 1024);
        assertThat(s.limits().maxScanSize()).isEqualTo(2L << 30);
        assertThat(parse("scan", "--max-filesize=0").limits().maxFileSize()).isZero();
        assertThat(parse("scan", "--max-filesize=7").limits().maxFileSize()).isEqualTo(7);
        assertThat(parse("scan", "--max-filesize=3m").limits().maxFileSize()).isEqualTo(3L << 20);
    }

    @Test
    void badSizesAreRejected() {
        for (String bad : List.of("1X", "-1", "", "1.5M", "M", "99999999999999999999", "9999999999G")) {
            assertThatThrownBy(() -> SizeConverter.parse(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class);
        }
    }

    @Test
    void repeatedFlagsAreAllowed() {
        assertThat(parse("scan", "-r", "--recursive", "-z", "--allmatch").recursive()).isTrue();
    }

    @Test
    void symlinkAndRecursionOptions() {
        ScanSettings s = parse("scan", "--follow-dir-symlinks=2", "--follow-file-symlinks", "0",
                "--max-dir-recursion=3", "--threads=3", "--alert-exceeds-max", "-f", "list.txt");
        assertThat(s.links()).isEqualTo(new Walker.LinkPolicy(2, 0));
        assertThat(s.maxDirRecursion()).isEqualTo(3);
        assertThat(s.threads()).isEqualTo(3);
        assertThat(s.alertExceedsMax()).isTrue();
        assertThat(s.fileList()).isEqualTo(Path.of("list.txt"));
    }

    @Test
    void trailingSlashesAreStrippedLikeClamscan() {
        assertThat(Walker.stripTrailingSeparators("dir///")).isEqualTo("dir");
        assertThat(Walker.stripTrailingSeparators("/")).isEqualTo("/");
        assertThat(Walker.stripTrailingSeparators("//")).isEqualTo("/");
        assertThat(Walker.stripTrailingSeparators("a/b")).isEqualTo("a/b");
    }
}
