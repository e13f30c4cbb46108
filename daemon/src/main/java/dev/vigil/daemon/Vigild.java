package dev.vigil.daemon;

import dev.vigil.daemon.http.HttpApiConfig;
import dev.vigil.daemon.http.HttpApiServer;
import dev.vigil.engine.ScanOptions;
import dev.vigil.unpack.UnpackLimits;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * vigild's life cycle, as clamd's main: read clamd.conf, open the log, load the database (no database, no daemon),
 * bind the sockets, write the PID file, then serve until SHUTDOWN or SIGTERM/SIGINT. SIGHUP reloads the database
 * (clamd reopens its log on SIGHUP and reloads on SIGUSR2; vigild reloads on both where the JVM lets it handle them).
 */
public final class Vigild implements AutoCloseable {
    private final ClamdConfig config;
    private final DaemonLog log;
    private final DatabaseHolder holder;
    private final Scanner scanner;
    private final ClamdServer server;
    /** The HTTP/JSON API, when asked for; it shares the database holder, so one reload serves both. */
    private volatile HttpApiServer http;

    private Vigild(ClamdConfig config, DaemonLog log, DatabaseHolder holder, Scanner scanner, ClamdServer server) {
        this.config = config;
        this.log = log;
        this.holder = holder;
        this.scanner = scanner;
        this.server = server;
    }

    /** Starts the HTTP/JSON API beside the clamd sockets. */
    public HttpApiServer startHttp(HttpApiConfig httpConfig) throws IOException {
        HttpApiServer s = new HttpApiServer(httpConfig, new HolderScanBackend(holder, scanner)).start();
        http = s;
        log.info("HTTP API listening on " + s.baseUri());
        return s;
    }

    /**
     * Starts a daemon from a parsed configuration; returns once it serves.
     *
     * @throws DatabaseLoadException when the database cannot be loaded
     * @throws IOException           when a socket cannot be bound or the PID file written
     */
    public static Vigild start(ClamdConfig config, DaemonLog log) throws DatabaseLoadException, IOException {
        config.warnings().forEach(log::warning);
        if (!config.foreground()) {
            log.info("vigild does not detach itself (Foreground no): run it under a supervisor");
        }
        DatabaseHolder holder = new DatabaseHolder(config.databaseDirectory(), new DatabaseLoader(config.detectPua()));
        holder.logTo(log::info);
        DatabaseHolder.ReloadResult first = holder.reload();
        if (!first.loaded()) {
            throw new DatabaseLoadException(first.error(), null);
        }
        log.info("Loaded " + first.current().signatureCount() + " signatures from " + config.databaseDirectory()
                + " in " + first.current().loadMillis() + " ms");
        logLimits(config, log);
        // clamd looks inside archives, mail and documents by default; so does vigild, within the same limits
        UnpackLimits unpack = config.unpackLimits();
        Scanner scanner = new Scanner(ScanOptions.DEFAULT.withLimits(config.scanLimits()), config.maxThreads(), unpack);
        ClamdServer server = ClamdServer.start(config, holder, scanner, log);
        if (config.pidFile() != null) {
            try {
                writeAtomically(config.pidFile(), ProcessHandle.current().pid() + "\n");
            } catch (IOException e) {
                server.close();
                throw new IOException("Can't save PID in file " + config.pidFile() + ": " + e.getMessage(), e);
            }
        }
        return new Vigild(config, log, holder, scanner, server);
    }

    /**
     * Writes the file through a temporary file renamed over it, so that a reader (a service manager, a script
     * waiting for the daemon) never sees it created but still empty.
     */
    private static void writeAtomically(Path file, String content) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path tmp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        try {
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                // readable by all, as a file the daemon wrote directly would be (a temporary file is owner-only)
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.writeString(tmp, content);
            Files.move(tmp, absolute, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void logLimits(ClamdConfig c, DaemonLog log) {
        log.info("Limits: Global time limit set to " + c.scanLimits().maxScanTime().toMillis() + " milliseconds.");
        log.info("Limits: Global size limit set to " + c.maxScanSize() + " bytes.");
        log.info("Limits: File size limit set to " + c.maxFileSize() + " bytes.");
        log.info("Limits: Recursion level limit set to " + c.maxRecursion() + ".");
        log.info("Limits: Files limit set to " + c.maxFiles() + ".");
        ClamdConfig.ContentLimits x = c.contentLimits();
        log.info("Limits: MaxEmbeddedPE limit set to " + x.maxEmbeddedPe() + " bytes.");
        log.info("Limits: MaxHTMLNormalize limit set to " + x.maxHtmlNormalize() + " bytes.");
        log.info("Limits: MaxHTMLNoTags limit set to " + x.maxHtmlNoTags() + " bytes.");
        log.info("Limits: MaxScriptNormalize limit set to " + x.maxScriptNormalize() + " bytes.");
        log.info("Limits: PCREMaxFileSize limit set to " + x.pcreMaxFileSize() + ".");
    }

    /** {@code java dev.vigil.daemon.Vigild -c FILE [--foreground]}, for running without the vigil launcher. */
    public static void main(String[] args) {
        Path config = null;
        boolean foreground = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c", "--config-file" -> config = i + 1 < args.length ? Path.of(args[++i]) : null;
                case "-F", "--foreground" -> foreground = true;
                default -> {
                    if (args[i].startsWith("--config-file=")) {
                        config = Path.of(args[i].substring("--config-file=".length()));
                    } else {
                        System.err.println("Usage: vigild -c FILE [--foreground]");
                        System.exit(2);
                    }
                }
            }
        }
        if (config == null) {
            System.err.println("Usage: vigild -c FILE [--foreground]");
            System.exit(2);
        }
        System.exit(run(config, foreground, System.err));
    }

    /**
     * Runs {@code vigild -c FILE} to the end: returns the exit status (0 after SHUTDOWN or a signal, 1 when it could
     * not start). Messages before the log is open go to {@code err}.
     */
    public static int run(Path configFile, boolean foreground, PrintStream err) {
        return run(configFile, foreground, err, null);
    }

    /** As {@link #run(Path, boolean, PrintStream)}, also serving the HTTP/JSON API when {@code http} is not null. */
    public static int run(Path configFile, boolean foreground, PrintStream err, HttpApiConfig http) {
        return run(configFile, foreground, err, http, null);
    }

    /**
     * As {@link #run(Path, boolean, PrintStream, HttpApiConfig)}, with a companion started once the daemon serves and
     * closed when it stops (the signature updater). A companion that throws stops the daemon with status 1.
     */
    public static int run(Path configFile, boolean foreground, PrintStream err, HttpApiConfig http,
                          java.util.function.Function<Vigild, AutoCloseable> companion) {
        ClamdConfig config;
        try {
            config = ClamdConfigParser.parse(configFile);
        } catch (IOException e) {
            err.println("ERROR: Can't open/parse the config file " + configFile + ": " + Errno.text(e));
            return 1;
        } catch (ConfigException e) {
            err.println("ERROR: " + e.getMessage());
            return 1;
        }
        if (foreground && !config.foreground()) {
            config = withForeground(config);
        }
        DaemonLog log;
        try {
            log = DaemonLog.open(config, err);
        } catch (IOException e) {
            err.println("ERROR: Can't open the log file " + config.logFile() + ": " + Errno.text(e));
            return 1;
        }
        try (log) {
            Vigild d;
            try {
                d = start(config, log);
            } catch (DatabaseLoadException e) {
                log.error(e.getMessage());
                return 1;
            } catch (IOException | RuntimeException e) {
                log.error(e.getMessage());
                return 1;
            }
            try (d) {
                if (http != null) {
                    try {
                        d.startHttp(http);
                    } catch (IOException | RuntimeException e) {
                        log.error("Can't start the HTTP API: " + e.getMessage());
                        return 1;
                    }
                }
                AutoCloseable extra;
                try {
                    extra = companion == null ? null : companion.apply(d);
                } catch (RuntimeException e) {
                    log.error(e.getMessage());
                    return 1;
                }
                try (AutoCloseable ignored = extra) {
                    serve(d);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    log.warning("Stopping the companion failed: " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    /** Serves until SHUTDOWN or a signal. */
    private static void serve(Vigild d) throws InterruptedException {
        d.installSignals();
        Thread hook = new Thread(d::close, "vigild-shutdown"); // SIGTERM/SIGINT: stop and clean up
        Runtime.getRuntime().addShutdownHook(hook);
        d.server.awaitShutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyExiting) {
            // the JVM is exiting because of a signal; the hook has done its work
        }
    }

    private static ClamdConfig withForeground(ClamdConfig c) {
        return new ClamdConfig(c.tcpSocket(), c.tcpAddrs(), c.localSocket(), c.localSocketMode(),
                c.fixStaleSocket(), c.databaseDirectory(), c.detectPua(), c.maxThreads(), c.maxQueue(),
                c.maxConnectionQueueLength(), c.idleTimeoutSeconds(), c.readTimeoutSeconds(),
                c.commandReadTimeoutSeconds(), c.sendBufTimeoutMillis(), c.streamMaxLength(), c.maxScanSize(),
                c.maxFileSize(), c.maxRecursion(), c.maxFiles(), c.maxScanTimeMillis(), c.maxDirectoryRecursion(),
                c.followDirectorySymlinks(), c.followFileSymlinks(), c.alertExceedsMax(), c.allowAllMatchScan(),
                c.logFile(), c.logTime(), c.logVerbose(), c.logClean(), true,
                c.pidFile(), c.temporaryDirectory(), c.contentLimits(), c.warnings());
    }

    /**
     * SIGHUP (and SIGUSR2 where the JVM does not use it itself) reload the database. sun.misc.Signal is the only way
     * a Java program can catch these; where it is unavailable the daemon runs without, and says so.
     */
    @SuppressWarnings("removal")
    void installSignals() {
        for (String name : new String[]{"HUP", "USR2"}) {
            try {
                sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    log.info("SIG" + name + " caught: reloading the database");
                    holder.reloadInBackground();
                });
                if (previous == sun.misc.SignalHandler.SIG_IGN && name.equals("HUP")) {
                    // The JVM leaves a shutdown signal ignored when it was ignored at start (nohup, some
                    // supervisors) and then installs nothing, unlike clamd, which catches SIGHUP regardless.
                    log.warning("SIGHUP was ignored when vigild started (nohup?), so it cannot reload the database;"
                            + " use RELOAD, SIGUSR2 or the HTTP API");
                }
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                log.verbose("SIG" + name + " cannot be handled here: " + e.getMessage());
            }
        }
    }

    public ClamdServer server() {
        return server;
    }

    public DatabaseHolder holder() {
        return holder;
    }

    public Scanner scanner() {
        return scanner;
    }

    public ClamdConfig config() {
        return config;
    }

    public DaemonLog log() {
        return log;
    }

    /** Stops serving and removes the PID file. */
    @Override
    public void close() {
        HttpApiServer h = http;
        if (h != null) {
            h.close();
        }
        server.close();
        if (config.pidFile() != null) {
            try {
                Files.deleteIfExists(config.pidFile());
            } catch (IOException e) {
                log.warning("Can't remove the PID file: " + e.getMessage());
            }
        }
    }
}
