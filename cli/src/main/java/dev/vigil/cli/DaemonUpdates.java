package dev.vigil.cli;

import dev.vigil.daemon.DaemonLog;
import dev.vigil.daemon.Vigild;
import dev.vigil.updates.release.Installer;
import dev.vigil.updates.release.Release;
import dev.vigil.updates.release.UpdateClient;
import dev.vigil.updates.release.UpdateRefused;
import dev.vigil.updates.release.UpdateScheduler;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The daemon's scheduled updates: one update before the daemon starts (so a fresh install gets its first database
 * from the mirror), then one every interval; after each install the daemon reloads {@code ROOT/current}, which the
 * installer switched atomically, and the database holder swaps the new engine in only once it loaded completely.
 */
final class DaemonUpdates {
    private final UpdateClient client;
    private final Path databaseDirectory;
    private final Duration interval;

    DaemonUpdates(UpdateClient client, Path root, Duration interval) {
        this.client = client;
        this.databaseDirectory = root.resolve(Installer.CURRENT).toAbsolutePath().normalize();
        this.interval = interval;
    }

    /** The update before start; a failure is reported and the daemon starts with what is installed. */
    void first(PrintStream err) {
        try {
            Optional<Release> r = client.update();
            r.ifPresent(rel -> err.print("Update: installed " + describe(rel) + "\n"));
        } catch (UpdateRefused e) {
            err.print("WARNING: Update refused: " + e.getMessage() + "\n");
        } catch (IOException | RuntimeException e) {
            err.print("WARNING: Update failed: " + e.getMessage() + "\n");
        }
    }

    /** Starts the schedule for a running daemon; refuses a daemon that reads another directory. */
    AutoCloseable start(Vigild daemon) {
        Path served = daemon.holder().directory().toAbsolutePath().normalize();
        if (!served.equals(databaseDirectory)) {
            throw new IllegalStateException("DatabaseDirectory is " + served + ", but updates install to "
                    + databaseDirectory + "; set DatabaseDirectory to it");
        }
        DaemonLog log = daemon.log();
        log.info("Updates: checking every " + interval + ", installing into " + databaseDirectory.getParent());
        return new UpdateScheduler(client, interval, new UpdateScheduler.Listener() {
            @Override
            public void installed(Release release) {
                log.info("Update: installed " + describe(release) + "; reloading the database");
                daemon.holder().reload();
            }

            @Override
            public void upToDate() {
                log.verbose("Update: up to date");
            }

            @Override
            public void refused(UpdateRefused refusal) {
                log.warning("Update refused, the database in service is unchanged: " + refusal.getMessage());
            }

            @Override
            public void failed(Exception error) {
                log.warning("Update failed, the database in service is unchanged: " + error.getMessage());
            }
        }).start();
    }

    private static String describe(Release r) {
        return r.manifest().channel() + " version " + r.manifest().version() + " (log index " + r.logIndex()
                + ", checkpoint size " + r.checkpoint().size() + ")";
    }
}
