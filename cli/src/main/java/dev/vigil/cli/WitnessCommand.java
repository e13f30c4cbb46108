package dev.vigil.cli;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.checkpoint.VerifierKeys;
import dev.vigil.updates.http.WitnessServer;
import dev.vigil.updates.keys.KeyFiles;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.witness.DirectoryWitnessState;
import dev.vigil.updates.witness.Witness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code vigil witness}: a tlog-witness HTTP endpoint ({@code POST /add-checkpoint}) that cosigns checkpoints of the
 * given logs when they are consistent with the last one it cosigned; its state is kept crash-safely in a directory.
 * Runs until the process is stopped (or the thread running it is interrupted).
 */
@Command(name = "witness", usageHelpAutoWidth = true,
        description = {"Run a transparency-log witness: cosign each log's checkpoints that are signed by its key and "
                + "consistent with the last one cosigned (c2sp.org/tlog-witness)."})
final class WitnessCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "The witness signer key file (type witness).")
    Path key;

    @Option(names = "--log", required = true, paramLabel = "[ORIGIN=]VKEY",
            description = "A log to witness: its verifier key, whose name is the origin unless ORIGIN= is given (repeat).")
    List<String> logs;

    @Option(names = "--state", required = true, paramLabel = "DIR", description = "Where the last cosigned checkpoints are kept.")
    Path state;

    @Option(names = "--listen", defaultValue = "127.0.0.1:0", paramLabel = "ADDR:PORT",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, a free loopback port).")
    String listen;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    WitnessCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Witness witness;
        InetSocketAddress address;
        try {
            SignerKey cosigner = KeyFiles.read(io.cwd().resolve(key));
            if (cosigner.type() != SignatureType.COSIGNATURE_V1) {
                throw new IllegalArgumentException("--key must be a witness key (vigil keys generate --type witness)");
            }
            Map<String, List<NoteVerifier>> keys = new HashMap<>();
            for (String l : logs) {
                int eq = l.indexOf('=');
                boolean named = eq > 0 && !l.substring(0, eq).contains("+");
                NoteVerifier k = VerifierKeys.parse(named ? l.substring(eq + 1) : l);
                keys.computeIfAbsent(named ? l.substring(0, eq) : k.name(), o -> new ArrayList<>()).add(k);
            }
            witness = new Witness(cosigner, keys, new DirectoryWitnessState(io.cwd().resolve(state)), Clock.systemUTC());
            int colon = listen.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("--listen wants ADDR:PORT");
            }
            address = new InetSocketAddress(InetAddress.getByName(listen.substring(0, colon)),
                    Integer.parseInt(listen.substring(colon + 1)));
        } catch (IOException | FormatException | IllegalArgumentException e) {
            io.err().print("ERROR: " + e.getMessage() + "\n");
            return Main.USAGE_ERROR;
        }
        try (WitnessServer server = WitnessServer.start(witness, address, WitnessServer.DEFAULT_THREADS,
                WitnessServer.DEFAULT_REQUEST_TIMEOUT)) {
            io.out().print("witness listening on " + server.uri() + "\n");
            io.out().flush();
            new CountDownLatch(1).await(); // until interrupted or the JVM exits
            return 0;
        } catch (InterruptedException e) {
            return 0;
        } catch (IOException e) {
            io.err().print("ERROR: cannot listen on " + listen + ": " + e.getMessage() + "\n");
            return 1;
        }
    }
}
