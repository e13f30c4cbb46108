package dev.vigil.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A live status line on stderr (files, bytes, throughput), redrawn a few times a second. Only used when stderr is
 * a terminal; report lines are written between {@link #hide()} and {@link #show()} so the two never mix.
 */
final class Progress implements AutoCloseable {
    private static final long PERIOD_MS = 250;
    private static final String CLEAR_LINE = "\r\033[K";

    private final PrintStream err;
    private final long startNanos = System.nanoTime();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final Thread clearOnExit = new Thread(this::hide, "vigil-progress-clear");
    private boolean visible;
    private boolean hidden;

    private Progress(PrintStream err) {
        this.err = err;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::draw, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        Runtime.getRuntime().addShutdownHook(clearOnExit); // Ctrl-C must not leave a stale status line behind
    }

    /** A progress line on {@code err}, or a do-nothing one when it is not wanted. */
    static Progress start(PrintStream err, boolean wanted) {
        return wanted ? new Progress(err) : null;
    }

    /** Called from any thread when a file has been dealt with. */
    void fileDone(long size) {
        files.incrementAndGet();
        bytes.addAndGet(Math.max(0, size));
    }

    synchronized void hide() {
        hidden = true;
        if (visible) {
            err.print(CLEAR_LINE);
            err.flush();
            visible = false;
        }
    }

    synchronized void show() {
        hidden = false;
    }

    private synchronized void draw() {
        if (hidden) {
            return;
        }
        err.print(CLEAR_LINE + line(files.get(), bytes.get(), System.nanoTime() - startNanos));
        err.flush();
        visible = true;
    }

    static String line(long files, long bytes, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-3);
        return String.format(Locale.ROOT, "Scanning: %d files, %s, %s/s", files, human(bytes), human(bytes / seconds));
    }

    static String human(double bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (bytes >= 1024 && u < units.length - 1) {
            bytes /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f %s", bytes, units[u])
                : String.format(Locale.ROOT, "%.1f %s", bytes, units[u]);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        hide();
        try {
            Runtime.getRuntime().removeShutdownHook(clearOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
