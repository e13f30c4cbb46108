package dev.vigil.cli;

import dev.vigil.daemon.http.HttpApiConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;

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

    @Option(names = "--http", paramLabel = "[ADDR:]PORT",
            description = "Also serve the HTTP/JSON API (docs/http-api.md) on ADDR:PORT; ADDR defaults to 127.0.0.1.")
    String http;

    @Option(names = "--http-token-file", paramLabel = "FILE",
            description = "Require 'Authorization: Bearer TOKEN' on the HTTP API, TOKEN being FILE's first line.")
    Path httpTokenFile;

    @Option(names = "--update-mirror", paramLabel = "URL|DIR",
            description = "Keep the database updated from this transparent-update mirror (needs --update-policy and "
                    + "--update-root; DatabaseDirectory must be ROOT/current).")
    String updateMirror;

    @Option(names = "--update-policy", paramLabel = "FILE", description = "The update trust policy (docs/transparency.md).")
    Path updatePolicy;

    @Option(names = "--update-root", paramLabel = "DIR", description = "Where releases are installed (as vigil update --root).")
    Path updateRoot;

    @Option(names = "--update-channel", defaultValue = "stable", paramLabel = "CHANNEL",
            description = "The release channel (default: ${DEFAULT-VALUE}).")
    String updateChannel;

    @Option(names = "--update-interval", defaultValue = "1h", paramLabel = "DURATION",
            description = "Time between update checks: 90s, 30m, 1h, 1d or ISO-8601 (default: ${DEFAULT-VALUE}).")
    String updateInterval;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    DaemonCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        io.out().flush();
        HttpApiConfig httpConfig = null;
        if (http != null) {
            try {
                httpConfig = httpConfig();
            } catch (IOException | IllegalArgumentException e) {
                io.err().print("ERROR: --http: " + e.getMessage() + "\n");
                return 1;
            }
        }
        DaemonUpdates updates = null;
        if (updateMirror != null || updatePolicy != null || updateRoot != null) {
            if (updateMirror == null || updatePolicy == null || updateRoot == null) {
                io.err().print("ERROR: --update-mirror, --update-policy and --update-root go together\n");
                return Main.USAGE_ERROR;
            }
            try {
                updates = new DaemonUpdates(UpdateCommand.client(UpdateSupport.source(updateMirror, io.cwd()),
                        io.cwd().resolve(updatePolicy),
                        updateChannel, io.cwd().resolve(updateRoot), null), io.cwd().resolve(updateRoot),
                        dev.vigil.updates.release.PolicyFile.duration(updateInterval));
            } catch (IOException | dev.vigil.updates.FormatException | IllegalArgumentException e) {
                io.err().print("ERROR: " + e.getMessage() + "\n");
                return 1;
            }
            updates.first(io.err()); // the first database may come from the mirror
        }
        return Vigild.run(io.cwd().resolve(config), foreground, io.err(), httpConfig,
                updates == null ? null : updates::start);
    }

    private HttpApiConfig httpConfig() throws IOException {
        int colon = http.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : http.substring(0, colon);
        int port = Integer.parseInt(http.substring(colon + 1));
        HttpApiConfig.Builder b = HttpApiConfig.builder().bindAddress(InetAddress.getByName(host)).port(port)
                .engineVersion(VigilVersion.get());
        if (httpTokenFile != null) {
            String token = Files.readAllLines(io.cwd().resolve(httpTokenFile)).stream().findFirst().orElse("").strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException("the token file is empty");
            }
            b.token(token);
        }
        return b.build();
    }
}
