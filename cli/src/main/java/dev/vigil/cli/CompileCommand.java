package dev.vigil.cli;

import dev.vigil.clamav.DatabaseImageCache;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.EngineImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
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
                "Without -o, the image of a single database directory is stored in it, and 'vigil scan -d DIR'",
                "uses it for as long as the directory holds the same files (run it after each update, e.g. from",
                "freshclam's OnUpdateExecute). An image is tied to this Vigil version; compile again after an upgrade."})
final class CompileCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-d", "--database"}, paramLabel = "FILE|DIR", required = true,
            description = "ClamAV database file or directory to compile (repeatable).")
    List<Path> databases = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "IMAGE",
            description = "Where to write the engine image (replaced atomically); default: inside the directory.")
    Path output;

    @Option(names = "--detect-pua", description = "Include the PUA (potentially unwanted application) signatures.")
    boolean detectPua;

    CompileCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        try {
            if (!YaraSignatures.files(databases, List.of()).isEmpty()) {
                return fail("the databases include YARA rules, which an engine image cannot hold");
            }
        } catch (IOException e) {
            return fail("can't read " + databases + ": " + Errors.strerror(e));
        }
        String directoryKey = null;
        Path directory = null;
        if (output == null) {
            if (databases.size() != 1 || !Files.isDirectory(databases.get(0))) {
                return fail("without -o, give exactly one database directory (-d DIR)");
            }
            directory = databases.get(0);
            try {
                directoryKey = DatabaseImageCache.key(directory, Signatures.options(detectPua));
            } catch (DatabaseImageCache.NotCacheable e) {
                return fail(e.getMessage());
            } catch (IOException e) {
                return fail("can't read " + directory + ": " + Errors.strerror(e));
            }
        }
        EngineBuilder builder = Engine.builder();
        long known;
        try {
            known = Signatures.load(databases, detectPua, builder, n -> { });
        } catch (Signatures.LoadFailure e) {
            return fail(e.getMessage());
        }
        Engine engine = builder.build();
        Path written = output;
        try {
            if (directory == null) {
                EngineImage.write(engine, known, output);
            } else {
                written = DatabaseImageCache.write(directory, Signatures.options(detectPua), directoryKey, engine, known);
            }
        } catch (DatabaseImageCache.NotCacheable e) {
            return fail(e.getMessage());
        } catch (IOException e) {
            return fail("can't write " + (written == null ? directory : written) + ": " + Errors.strerror(e));
        }
        io.out().print("Compiled " + known + " signatures into " + written + "\n");
        return 0;
    }

    private int fail(String message) {
        io.err().print("ERROR: " + message + "\n");
        return 2;
    }
}
