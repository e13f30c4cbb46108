package dev.vigil.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs {@code vigil} in-process and captures its exit status and output. */
record CliRun(int status, String out, String err) {
    static CliRun run(Path cwd, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Io io = new Io(cwd, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        int status = Main.run(args, io);
        return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    String all() {
        return out + err;
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
