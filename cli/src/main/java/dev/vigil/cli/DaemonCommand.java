package dev.vigil.cli;

import dev.vigil.daemon.Vigild;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vigil daemon -c clamd.conf}: vigild, the clamd-compatible daemon (see docs/daemon.md). */
@Command(name = "daemon", usageHelpAutoWidth = true,
        description = {"Run vigild, a clamd-compatible scanning daemon configured by a clamd.conf.",
                "SIGHUP reloads the database; SIGTERM, SIGINT or the SHUTDOWN command stop it."})
final class DaemonCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-c", "--config-file"}, required = true, paramLabel = "FILE",
            description = "The clamd.conf to read (TCPSocket, LocalSocket, DatabaseDirectory, limits, timeouts, logging).")
    Path config;

    @Option(names = {"-F", "--foreground"},
            description = "Stay in the foreground (vigild never detaches itself; accepted for clamd's sake).")
    boolean foreground;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    DaemonCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        io.out().flush();
        return Vigild.run(io.cwd().resolve(config), foreground, io.err());
    }
}
