package dev.vigil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * yara's command-line parsing. Everything here fails before rules are compiled, so vigil and yara can be compared
 * byte for byte without a working engine.
 */
class YaraArgsTest {
    @TempDir
    static Path dir;

    static Stream<List<String>> rejectedOrIncomplete() {
        return Stream.of(
                List.of(),
                List.of("rules.yar"),
                List.of("--foo", "r", "t"),
                List.of("-Z", "r", "t"),
                List.of("-sZ", "r", "t"),
                List.of("-s", "-s", "r", "t"),
                List.of("-s", "--print-strings", "r", "t"),
                List.of("-p", "2", "-p", "3", "r", "t"),
                List.of("-p", "x", "r", "t"),
                List.of("-ps", "3", "r", "t"),
                List.of("--threads", "3", "r", "t"),
                List.of("-p"),
                List.of("-d"),
                List.of("--define"),
                List.of("--tag"),
                List.of("-p", "33", "r", "t"),
                List.of("--threads=0x21", "r", "t"),
                List.of("--threads=0x20"),
                List.of("--threads=040x"),
                List.of("--threads=09"),
                List.of("--threads=0x"),
                List.of("--threads= 7"),
                List.of("--threads=7 "),
                List.of("--threads=+7"),
                List.of("--threads=-99999999999999999999999"),
                List.of("--threads=99999999999999999999999"),
                List.of("-l", "abc", "r", "t"),
                List.of("-z", "1k", "r", "t"),
                List.of("--count=5", "only-one"),
                List.of("--print-strings-x", "r", "t"),
                List.of("-v"),
                List.of("--version", "--foo"),
                List.of("-rsgmeLX", "one"),
                List.of("-q", "-N", "-w", "-E", "-f", "-n", "-c", "x"));
    }

    @ParameterizedTest
    @MethodSource("rejectedOrIncomplete")
    void sameAsYara(List<String> args) throws Exception {
        YaraOracle.assumeYara();
        Oracle.Output expected = YaraOracle.yara(dir, args);
        Oracle.Output actual = YaraOracle.vigil(dir, args);
        assertThat(actual.stderr()).as("stderr").isEqualTo(expected.stderr());
        assertThat(actual.stdout()).as("stdout").isEqualTo(expected.stdout());
        assertThat(actual.exit()).as("exit status").isEqualTo(expected.exit());
    }

    @Test
    void mixesOptionsAndArguments() throws Exception {
        YaraArgs a = YaraArgs.parse(List.of("ns:r1.yar", "-s", "r2.yar", "-d", "x=1", "--define=y=2", "-mp", "2", "target",
                "-t", "T", "--tag=U", "-z", "0x10"));
        assertThat(a.positional()).containsExactly("ns:r1.yar", "r2.yar", "target");
        assertThat(a.has(YaraArgs.Opt.PRINT_STRINGS)).isTrue();
        assertThat(a.has(YaraArgs.Opt.PRINT_META)).isTrue();
        assertThat(a.texts(YaraArgs.Opt.DEFINE)).containsExactly("x=1", "y=2");
        assertThat(a.texts(YaraArgs.Opt.TAG)).containsExactly("T", "U");
        assertThat(a.number(YaraArgs.Opt.SKIP_LARGER, 0)).isEqualTo(16);
    }

    @Test
    void shortOptionInsideAGroupHasNoValue() {
        assertThatThrownBy(() -> YaraArgs.parse(List.of("-ps", "3", "r", "t")))
                .hasMessage("option `-ps` requires an integer argument");
    }

    @Test
    void repeatableOptionsStopAt32() throws Exception {
        List<String> args = new java.util.ArrayList<>();
        for (int i = 0; i < 32; i++) {
            args.add("-t");
            args.add("T" + i);
        }
        assertThat(YaraArgs.parse(args).texts(YaraArgs.Opt.TAG)).hasSize(32);
        args.add("-t");
        args.add("one-too-many");
        assertThatThrownBy(() -> YaraArgs.parse(args)).hasMessage("too many `-t` options");
    }

    @Test
    void repeatableOptionLimitMatchesYara() throws Exception {
        YaraOracle.assumeYara();
        List<String> args = new java.util.ArrayList<>();
        for (int i = 0; i < 33; i++) {
            args.add("-i");
            args.add("R" + i);
        }
        Oracle.Output expected = YaraOracle.yara(dir, args);
        Oracle.Output actual = YaraOracle.vigil(dir, args);
        assertThat(actual.stderr()).isEqualTo(expected.stderr());
        assertThat(actual.exit()).isEqualTo(expected.exit());
    }
}
