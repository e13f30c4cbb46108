package dev.vigil.cli;

import dev.vigil.daemon.http.Json;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Fuzz targets for everything in the CLI that parses outside input. Normal runs replay the seeds only. */
class CliFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void containerHeaders(byte[] head) {
        String summary = VersionReport.header(head);
        if (summary != null) {
            assertThat(summary).matches("[\\x20-\\x7e]*").startsWith("version ");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void sizes(String value) {
        try {
            assertThat(SizeConverter.parse(value)).isNotNegative();
        } catch (CommandLine.TypeConversionException expected) {
            // rejected with a message: fine
        }
    }

    @FuzzTest(maxDuration = "30s")
    void jsonStrings(String value) {
        String json = Json.string(new StringBuilder(), value).toString();
        if (value == null) {
            assertThat(json).isEqualTo("null");
            return;
        }
        assertThat(json).startsWith("\"").endsWith("\"");
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            assertThat(c >= 0x20 && c != 0x7f).as("raw control character at %d", i).isTrue();
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))).isTrue();
                i++;
            } else {
                assertThat(Character.isLowSurrogate(c)).as("lone surrogate").isFalse();
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    void commandLines(FuzzedDataProvider data) {
        String[] args = new String[data.consumeInt(0, 8)];
        for (int i = 0; i < args.length; i++) {
            args[i] = data.pickValue(new String[]{"scan", "--recursive=", "--allmatch=no", "-r", "--", "-d",
                    "--cross-fs=", "--max-filesize=", "x"}) + data.consumeString(6);
        }
        Io io = new Io(Path.of("/nonexistent-vigil-fuzz"), new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), false);
        CommandLine cl = Main.commandLine(io);
        String[] normal = ClamscanArgs.normalize(args, cl.getSubcommands().get("scan"));
        assertThat(normal.length).isLessThanOrEqualTo(args.length);
        assertThat(Arrays.asList(args)).containsAll(Arrays.stream(normal)
                .filter(a -> Arrays.stream(args).noneMatch(o -> o.startsWith(a + "="))).toList());
        try {
            cl.parseArgs(normal);
        } catch (CommandLine.ParameterException rejected) {
            // a bad command line is reported, never a crash
        }
    }
}
