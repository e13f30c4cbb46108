package dev.vigil.daemon;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * vigild's log, in clamd's shape: one line per event, prefixed with {@code ctime -> } when {@code LogTime} is on,
 * appended to {@code LogFile} or written to standard error when there is none. Verbose lines appear only with
 * {@code LogVerbose}.
 */
public final class DaemonLog implements AutoCloseable {
    static final DateTimeFormatter CTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    private final PrintStream out;
    private final boolean ownStream;
    private final boolean time;
    private final boolean verbose;

    private DaemonLog(PrintStream out, boolean ownStream, boolean time, boolean verbose) {
        this.out = out;
        this.ownStream = ownStream;
        this.time = time;
        this.verbose = verbose;
    }

    public static DaemonLog open(ClamdConfig config, PrintStream fallback) throws IOException {
        if (config.logFile() == null) {
            return new DaemonLog(fallback, false, config.logTime(), config.logVerbose());
        }
        OutputStream file = Files.newOutputStream(config.logFile(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new DaemonLog(new PrintStream(file, true, StandardCharsets.UTF_8), true, config.logTime(),
                config.logVerbose());
    }

    /** A log that drops everything (tests). */
    public static DaemonLog discard() {
        return new DaemonLog(new PrintStream(OutputStream.nullOutputStream()), true, false, false);
    }

    public void info(String message) {
        write(message);
    }

    public void warning(String message) {
        write("WARNING: " + message);
    }

    public void error(String message) {
        write("ERROR: " + message);
    }

    public void verbose(String message) {
        if (verbose) {
            write(message);
        }
    }

    private synchronized void write(String message) {
        out.print(time ? CTIME.format(ZonedDateTime.now()) + " -> " + message + "\n" : message + "\n");
        out.flush();
    }

    @Override
    public void close() {
        if (ownStream) {
            out.close();
        }
    }
}
