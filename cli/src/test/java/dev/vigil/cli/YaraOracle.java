package dev.vigil.cli;

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

/** Runs the reference {@code yara} 4.5.2 and {@code vigil yara} (in-process) the same way. */
final class YaraOracle {
    static final Path YARA = Path.of("/usr/bin/yara");

    private YaraOracle() {
    }

    /** Skips the test when yara 4.5.2 is absent (fails instead under -Dvigil.requireOracles=true). */
    static void assumeYara() throws IOException, InterruptedException {
        boolean present = Files.isExecutable(YARA);
        Oracle.assumeAvailable(present, "yara");
        if (present) {
            Oracle.Output v = yara(Path.of("."), List.of("-v"));
            Oracle.assumeAvailable(v.stdout().equals(YaraRun.YARA_VERSION + "\n"), "yara " + YaraRun.YARA_VERSION);
        }
    }

    static Oracle.Output yara(Path dir, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(YARA.toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        var err = new ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try (InputStream es = p.getErrorStream()) {
                es.transferTo(err);
            } catch (IOException ignored) {
                // closed with the process
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("yara did not finish: " + command);
        }
        errReader.join();
        return new Oracle.Output(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1),
                err.toString(StandardCharsets.ISO_8859_1));
    }

    static Oracle.Output vigil(Path dir, List<String> args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        Io io = new Io(dir, new ByteArrayInputStream(new byte[0]), new PrintStream(out, false, StandardCharsets.ISO_8859_1),
                new PrintStream(err, false, StandardCharsets.ISO_8859_1), false);
        List<String> all = new ArrayList<>();
        all.add("yara");
        all.addAll(args);
        int exit = Main.run(all.toArray(String[]::new), io);
        return new Oracle.Output(exit, out.toString(StandardCharsets.ISO_8859_1),
                err.toString(StandardCharsets.ISO_8859_1));
    }
}
