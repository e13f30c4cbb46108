package dev.vigil.updates.release;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@link UpdateClient} every {@code interval} on one background thread and tells a listener what happened;
 * a daemon reloads its database from {@link Listener#installed}. A refusal or an I/O error leaves the installed
 * release in place and the next run tries again.
 */
public final class UpdateScheduler implements AutoCloseable {
    /** What one run did. Called on the scheduler's thread. */
    public interface Listener {
        void installed(Release release);

        void upToDate();

        void refused(UpdateRefused refusal);

        void failed(Exception error);
    }

    private final UpdateClient client;
    private final Duration interval;
    private final Listener listener;
    private final ScheduledExecutorService executor;

    public UpdateScheduler(UpdateClient client, Duration interval, Listener listener) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("update interval must be positive");
        }
        this.client = client;
        this.interval = interval;
        this.listener = listener;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-updater");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the schedule; the first run comes after one interval (run {@link #runOnce()} first if needed). */
    public UpdateScheduler start() {
        long ms = interval.toMillis();
        executor.scheduleWithFixedDelay(this::runOnce, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One update, reported to the listener; never throws. */
    public void runOnce() {
        try {
            Optional<Release> r = client.update();
            if (r.isPresent()) {
                listener.installed(r.get());
            } else {
                listener.upToDate();
            }
        } catch (UpdateRefused e) {
            listener.refused(e);
        } catch (IOException | RuntimeException e) {
            listener.failed(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
