package dev.vigil.clamav.cvd;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** Runs the reference tools (clamscan, sigtool); skips the calling test when they are absent unless required. */
final class Oracles {
    static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");
    static final Path SIGTOOL = Path.of("/usr/bin/sigtool");

    record Result(int exitCode, String output) {
    }

    private Oracles() {
    }

    static void require(Path tool) {
        if (Files.isExecutable(tool)) {
            return;
        }
        if (Boolean.getBoolean("vigil.requireOracles")) {
            fail(tool + " is required (-Dvigil.requireOracles=true) but absent");
        }
        Assumptions.abort(tool + " is not installed");
    }

    /** clamscan -d database on an empty file: exit code 0 when the database loads, 2 when it is refused. */
    static Result clamscanLoad(Path database, Path workDir) throws IOException, InterruptedException {
        require(CLAMSCAN);
        Path empty = Files.createTempFile(workDir, "empty", ".bin");
        return run(workDir, CLAMSCAN.toString(), "-d", database.toString(), empty.toString());
    }

    static Result sigtool(Path workDir, String... arguments) throws IOException, InterruptedException {
        require(SIGTOOL);
        List<String> command = new ArrayList<>();
        command.add(SIGTOOL.toString());
        command.addAll(List.of(arguments));
        return run(workDir, command.toArray(String[]::new));
    }

    private static Result run(Path workDir, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDir, "oracle", ".log");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("timed out: " + String.join(" ", command));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.ISO_8859_1));
    }
}
