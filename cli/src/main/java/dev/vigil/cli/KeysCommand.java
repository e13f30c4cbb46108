package dev.vigil.cli;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.keys.KeyFiles;
import dev.vigil.updates.note.SignerKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code vigil keys}: signer keys for releases, the log and witnesses (docs/transparency.md, "Commands"). Only
 * verifier keys are ever printed; private keys go to files created with mode 0600.
 */
@Command(name = "keys", usageHelpAutoWidth = true, mixinStandardHelpOptions = false,
        description = "Generate signer keys and print verifier keys for transparent updates.")
final class KeysCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    KeysCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        io.err().print("Usage: vigil keys generate --name NAME [--type release|log|witness] --out FILE\n"
                + "       vigil keys verifier FILE\n");
        return Main.USAGE_ERROR;
    }

    @Command(name = "generate", usageHelpAutoWidth = true,
            description = {"Write a new private signer key to FILE (mode 0600, never overwritten) and print its "
                    + "verifier key.", "For a log key, NAME is the log origin (e.g. updates.example.org/log)."})
    static final class Generate implements Callable<Integer> {
        private final Io io;

        @Option(names = "--name", required = true, description = "The key name (a log key's name is its origin).")
        String name;

        @Option(names = "--type", defaultValue = "release", paramLabel = "release|log|witness",
                description = "release and log keys are Ed25519; witness keys sign cosignature/v1 (default: ${DEFAULT-VALUE}).")
        String type;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The private key file to create.")
        Path out;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        Generate(Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            KeyFiles.Role role;
            try {
                role = KeyFiles.Role.valueOf(type.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                io.err().print("ERROR: --type must be release, log or witness\n");
                return Main.USAGE_ERROR;
            }
            Path file = io.cwd().resolve(out);
            try {
                SignerKey key = KeyFiles.generate(name, role);
                KeyFiles.write(file, key);
                io.out().print(key.verifier() + "\n");
                return 0;
            } catch (FileAlreadyExistsException e) {
                io.err().print("ERROR: " + file + " exists; refusing to overwrite a key file\n");
                return 1;
            } catch (FormatException e) {
                io.err().print("ERROR: invalid key name: " + e.getMessage() + "\n");
                return Main.USAGE_ERROR;
            } catch (IOException e) {
                io.err().print("ERROR: cannot write " + file + ": " + e.getMessage() + "\n");
                return 1;
            }
        }
    }

    @Command(name = "verifier", usageHelpAutoWidth = true,
            description = "Print the verifier (public) key of a private signer key file.")
    static final class Verifier implements Callable<Integer> {
        private final Io io;

        @Parameters(paramLabel = "FILE", description = "A private key file written by 'vigil keys generate'.")
        Path file;

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
        boolean help;

        Verifier(Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            try {
                io.out().print(KeyFiles.read(io.cwd().resolve(file)).verifier() + "\n");
                return 0;
            } catch (IOException | FormatException e) {
                io.err().print("ERROR: " + e.getMessage() + "\n");
                return 1;
            }
        }
    }
}
