package dev.vigil.difftest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the reference scanner, once per group of inputs, since loading its databases dominates its run time. */
public final class Clamscan {
    /** Generous: the slowest group (all shared databases over the whole corpus) takes a few seconds. */
    private static final long TIMEOUT_SECONDS = 600;

    private final Path binary;

    public Clamscan(Path binary) {
        this.binary = binary;
    }

    /**
     * Scans {@code inputDir} recursively with the given databases, in the given order, then {@code options}
     * (see {@link ClamscanFlags#forGroup}).
     */
    public ClamscanRun scan(List<Path> databases, List<String> options, Path inputDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        for (Path db : databases) {
            command.add("--database=" + db);
        }
        command.addAll(options);
        command.add(inputDir.toString());
        return run(command);
    }

    static ClamscanRun run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile())).start();
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("clamscan did not finish in " + TIMEOUT_SECONDS + " s: " + command);
            }
            return new ClamscanRun(List.copyOf(command), process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while clamscan ran", e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
