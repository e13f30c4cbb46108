package dev.vigil.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the reference clamscan and Vigil (in-process) the same way and captures what they print. */
final class Oracle {
    static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");

    record Output(int exit, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.lines().toList();
        }

        List<String> stderrLines() {
            return stderr.lines().toList();
        }
    }

    private Oracle() {
    }

    /** Skips the calling test when a reference tool is missing, unless -Dvigil.requireOracles=true. */
    static void assumeAvailable(boolean present, String what) {
        if (!Boolean.getBoolean("vigil.requireOracles")) {
            Assumptions.assumeTrue(present, what + " is not installed");
        }
    }

    static void assumeClamscan() {
        assumeAvailable(Files.isExecutable(CLAMSCAN), "clamscan");
    }

    static Output clamscan(Path dir, byte[] stdin, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(CLAMSCAN.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        // stdin, stdout and stderr each get a thread so that no pipe fills up and blocks the other side.
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException ignored) {
                // clamscan did not read its stdin
            }
        });
        var err = new ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try (InputStream es = p.getErrorStream()) {
                es.transferTo(err);
            } catch (IOException ignored) {
                // the stream closed with the process
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("clamscan did not finish: " + command);
        }
        feeder.join();
        errReader.join();
        return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Output vigil(Path dir, byte[] stdin, List<String> args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Io io = new Io(dir, new ByteArrayInputStream(stdin), new PrintStream(out, false, StandardCharsets.UTF_8),
                new PrintStream(err, false, StandardCharsets.UTF_8), false);
        int exit = Main.run(args.toArray(String[]::new), io);
        return new Output(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
