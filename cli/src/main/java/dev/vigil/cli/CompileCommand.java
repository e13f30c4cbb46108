package dev.vigil.cli;

import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.EngineImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vigil compile}: parses and compiles ClamAV databases once and stores the engine as an image, which
 * {@code vigil scan -d IMAGE} then loads in a fraction of the time and memory (as {@code yarac} does for YARA).
 */
@Command(name = "compile", usageHelpAutoWidth = true, mixinStandardHelpOptions = true,
        description = {"Compile ClamAV databases into an engine image that 'vigil scan -d IMAGE' loads quickly.",
                "The image is tied to this Vigil version; compile again after an upgrade or a database update."})
final class CompileCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-d", "--database"}, paramLabel = "FILE|DIR", required = true,
            description = "ClamAV database file or directory to compile (repeatable).")
    List<Path> databases = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "IMAGE", required = true,
            description = "Where to write the engine image (replaced atomically).")
    Path output;

    @Option(names = "--detect-pua", description = "Include the PUA (potentially unwanted application) signatures.")
    boolean detectPua;

    CompileCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        EngineBuilder builder = Engine.builder();
        long known;
        try {
            known = Signatures.load(databases, detectPua, builder, n -> { });
        } catch (Signatures.LoadFailure e) {
            io.err().print("ERROR: " + e.getMessage() + "\n");
            return 2;
        }
        Engine engine = builder.build();
        try {
            EngineImage.write(engine, known, output);
        } catch (IOException e) {
            io.err().print("ERROR: can't write " + output + ": " + Errors.strerror(e) + "\n");
            return 2;
        }
        io.out().print("Compiled " + known + " signatures into " + output + "\n");
        return 0;
    }
}
