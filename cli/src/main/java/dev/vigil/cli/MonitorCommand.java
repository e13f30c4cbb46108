package dev.vigil.cli;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.VerifierKeys;
import dev.vigil.updates.monitor.Monitor;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.policy.Policy;
import dev.vigil.updates.policy.Quorum;
import dev.vigil.updates.release.ReleasePolicy;
import dev.vigil.updates.release.ReleaseSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code vigil monitor}: replays a release log from entry 0 and prints what every release added and removed. Exit 0
 * when everything verified, 2 when a check failed (each failure is printed as a PROBLEM line), 1 on other errors.
 */
@Command(name = "monitor", usageHelpAutoWidth = true,
        description = {"Replay a release log from its first entry: verify the checkpoint, every inclusion, every "
                + "manifest's signatures and chain and every artifact's hash, and print the signature names each "
                + "release added (+) and removed (-)."})
final class MonitorCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = "--mirror", required = true, paramLabel = "URL|DIR", description = "A release mirror.")
    String mirror;

    @Option(names = "--policy", paramLabel = "FILE", description = "Take the keys below from a policy file.")
    Path policy;

    @Option(names = "--log-key", paramLabel = "VKEY", description = "The log's verifier key (its name is the origin).")
    String logKey;

    @Option(names = "--witness", paramLabel = "VKEY", description = "A witness verifier key (repeat).")
    List<String> witnesses = new ArrayList<>();

    @Option(names = "--quorum", paramLabel = "K", description = "Witness cosignatures required (default: all given).")
    Integer quorum;

    @Option(names = "--release-key", paramLabel = "VKEY",
            description = "A release verifier key (repeat); without any, manifest signatures are listed unchecked.")
    List<String> releaseKeys = new ArrayList<>();

    @Option(names = "--threshold", paramLabel = "K", description = "Release signatures required (default: 1).")
    int threshold = 1;

    @Option(names = "--state", paramLabel = "FILE",
            description = "Remember the verified checkpoint here and prove the next run's consistent with it.")
    Path state;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    MonitorCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Monitor.Config config;
        try {
            config = config();
        } catch (FormatException | IOException | IllegalArgumentException e) {
            io.err().print("ERROR: " + e.getMessage() + "\n");
            return Main.USAGE_ERROR;
        }
        Path scratch = null;
        ReleaseSource source = null;
        try {
            scratch = Files.createTempDirectory("vigil-monitor-");
            Checkpoint previous = null;
            Path stateFile = state == null ? null : io.cwd().resolve(state);
            if (stateFile != null && Files.exists(stateFile)) {
                previous = Checkpoint.parse(Files.readAllBytes(stateFile));
            }
            source = UpdateSupport.source(mirror, io.cwd());
            Monitor monitor = new Monitor(config, source, new SignatureNames(), scratch);
            Monitor.Result r = monitor.run(previous, new Monitor.Listener() {
                @Override
                public void release(Monitor.ReleaseReport report) {
                    print(report);
                }

                @Override
                public void problem(String message) {
                    io.out().print("PROBLEM: " + message + "\n");
                }
            });
            io.out().print("checkpoint " + r.checkpoint().checkpoint() + (config.witnessKeys().isEmpty() ? ""
                    : ", cosigned by " + String.join(", ", r.cosigners())) + "\n");
            io.out().print(r.releases().size() + " release(s), " + r.problems().size() + " problem(s)\n");
            if (stateFile != null && r.ok()) {
                Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
                Files.write(tmp, r.checkpoint().checkpoint().format());
                Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return r.ok() ? 0 : UpdateCommand.REFUSED;
        } catch (VerificationException e) {
            io.out().print("PROBLEM: " + e.getMessage() + "\n");
            return UpdateCommand.REFUSED;
        } catch (IOException | FormatException | IllegalArgumentException e) {
            io.err().print("ERROR: monitor failed: " + e.getMessage() + "\n");
            return 1;
        } finally {
            UpdateSupport.close(source);
            if (scratch != null) {
                try (Stream<Path> s = Files.walk(scratch)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException ignored) {
                    // temp space: best effort
                }
            }
        }
    }

    private void print(Monitor.ReleaseReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("entry ").append(r.index()).append(": ").append(r.manifest().channel()).append(" version ")
                .append(r.manifest().version()).append(" (min-engine ").append(r.manifest().minEngine())
                .append("), signed by ").append(String.join(", ", r.signers())).append('\n');
        for (Monitor.ArtifactNames a : r.artifacts()) {
            sb.append("  artifact ").append(a.artifact().name()).append(' ').append(a.artifact().size()).append(' ')
                    .append(a.artifact().sha256Hex()).append(a.names() == null ? " (names not listed)"
                            : " (" + a.names().size() + " signatures)").append('\n');
        }
        r.added().forEach(n -> sb.append("  + ").append(n).append('\n'));
        r.removed().forEach(n -> sb.append("  - ").append(n).append('\n'));
        io.out().print(sb);
        io.out().flush();
    }

    private Monitor.Config config() throws FormatException, IOException {
        if (policy != null) {
            if (logKey != null || !witnesses.isEmpty() || !releaseKeys.isEmpty()) {
                throw new IllegalArgumentException("--policy and key options exclude each other");
            }
            ReleasePolicy p = UpdateSupport.policy(io.cwd().resolve(policy));
            return new Monitor.Config(p.logOrigin(), p.logKey(), p.witnessKeys(), p.witnessQuorum(), p.releaseKeys(),
                    p.threshold());
        }
        if (logKey == null) {
            throw new IllegalArgumentException("give --log-key VKEY or --policy FILE");
        }
        NoteVerifier log = VerifierKeys.parse(logKey);
        List<NoteVerifier> ws = new ArrayList<>();
        for (String w : witnesses) {
            ws.add(Policy.cosignerKey(w));
        }
        int k = quorum == null ? ws.size() : quorum;
        if (k < 0 || k > ws.size() || (k == 0 && !ws.isEmpty())) {
            throw new IllegalArgumentException("--quorum must be 1.." + ws.size());
        }
        List<VerifierKey> rks = new ArrayList<>();
        for (String r : releaseKeys) {
            rks.add(VerifierKey.parse(r));
        }
        if (!rks.isEmpty() && (threshold < 1 || threshold > rks.size())) {
            throw new IllegalArgumentException("--threshold must be 1.." + rks.size());
        }
        Quorum q = ws.isEmpty() ? new Quorum.None() : ReleasePolicy.kOfN(k, ws);
        return new Monitor.Config(log.name(), log, ws, q, rks, threshold);
    }

}
