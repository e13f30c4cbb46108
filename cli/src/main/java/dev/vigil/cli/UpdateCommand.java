package dev.vigil.cli;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.release.Release;
import dev.vigil.updates.release.ReleasePolicy;
import dev.vigil.updates.release.ReleaseSource;
import dev.vigil.updates.release.TrustedState;
import dev.vigil.updates.release.UpdateClient;
import dev.vigil.updates.release.UpdateRefused;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code vigil update}: one run of the update client. Exit 0 when a release was installed or nothing is newer,
 * 2 when the mirror's release was refused (the reason is printed; nothing was installed), 1 on other errors.
 */
@Command(name = "update", usageHelpAutoWidth = true,
        description = {"Fetch, verify and install the newest release of a channel from a transparent-update mirror "
                + "(signed, logged, witnessed), or ClamAV .cvd files from a plain ClamAV mirror (no log proof).",
                "The installed database is ROOT/current (a directory)."})
final class UpdateCommand implements Callable<Integer> {
    static final int REFUSED = 2;
    private final Io io;

    static final class Source {
        @Option(names = "--mirror", required = true, paramLabel = "URL|DIR", description = "A release mirror.")
        String mirror;

        @Option(names = "--clamav-mirror", required = true, paramLabel = "URL|DIR",
                description = "A plain ClamAV mirror: .cvd files checked by their RSA signature only.")
        String clamavMirror;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--policy", paramLabel = "FILE", description = "The trust policy (pinned keys; docs/transparency.md).")
    Path policy;

    @Option(names = "--channel", defaultValue = "stable", description = "The release channel (default: ${DEFAULT-VALUE}).")
    String channel;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "Where releases are installed.")
    Path root;

    @Option(names = "--state", paramLabel = "FILE", description = "The trusted state (default: ROOT/state).")
    Path state;

    @Option(names = "--database", paramLabel = "NAME", split = ",",
            description = "With --clamav-mirror: the databases to fetch (default: main,daily,bytecode).")
    java.util.List<String> databases = java.util.List.of("main", "daily", "bytecode");

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    UpdateCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        Path rootDir = io.cwd().resolve(root);
        if (source.clamavMirror != null) {
            return ClamAvMirrorUpdate.run(source.clamavMirror, databases, rootDir, io);
        }
        if (policy == null) {
            io.err().print("ERROR: --mirror needs --policy FILE\n");
            return Main.USAGE_ERROR;
        }
        ReleaseSource mirror = null;
        UpdateClient client;
        try {
            mirror = UpdateSupport.source(source.mirror, io.cwd());
            client = client(mirror, io.cwd().resolve(policy), channel, rootDir,
                    state == null ? null : io.cwd().resolve(state));
        } catch (IOException | FormatException | IllegalArgumentException e) {
            UpdateSupport.close(mirror);
            io.err().print("ERROR: " + e.getMessage() + "\n");
            return 1;
        }
        try {
            return update(client);
        } finally {
            UpdateSupport.close(mirror);
        }
    }

    private int update(UpdateClient client) {
        try {
            Optional<Release> r = client.update();
            if (r.isPresent()) {
                Release rel = r.get();
                io.out().print("updated to " + rel.manifest().channel() + " version " + rel.manifest().version()
                        + " (log index " + rel.logIndex() + ", checkpoint size " + rel.checkpoint().size() + "): "
                        + rel.directory() + "\n");
            } else {
                TrustedState s = client.state();
                io.out().print("up to date (" + channel + " version "
                        + (s == null || !s.hasRelease() ? "none" : Long.toString(s.version()))
                        + (s == null ? "" : ", checkpoint size " + s.checkpoint().size()) + ")\n");
            }
            return 0;
        } catch (UpdateRefused e) {
            io.err().print("update refused: " + e.getMessage() + "\n");
            return REFUSED;
        } catch (IOException e) {
            io.err().print("ERROR: update failed: " + e.getMessage() + "\n");
            return 1;
        }
    }

    /** The client the command and the daemon use; {@code state} null means ROOT/state. */
    static UpdateClient client(ReleaseSource mirror, Path policyFile, String channel, Path root, Path state)
            throws IOException, FormatException {
        ReleasePolicy p = UpdateSupport.policy(policyFile);
        return new UpdateClient(p, channel, UpdateSupport.engineVersion(), mirror,
                state == null ? root.resolve("state") : state, root, Clock.systemUTC());
    }
}
