package dev.vigil.yara.condition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs the real yara / yarac 4.5.2 when installed. */
final class Yara {

    record Run(int exit, String stdout, String stderr) {
    }

    private Yara() {
    }

    static void assumePresent() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/yara")) && Files.isExecutable(Path.of("/usr/bin/yarac"));
        if (!present && Boolean.getBoolean("vigil.requireOracles")) {
            fail("yara is required (-Dvigil.requireOracles=true) but absent");
        }
        assumeTrue(present, "yara not installed");
    }

    static Run run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("yara timed out");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }
}
