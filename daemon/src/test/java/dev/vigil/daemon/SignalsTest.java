package dev.vigil.daemon;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** vigild as its own process: SIGHUP reloads the database, SIGTERM stops it and removes its socket and PID file. */
class SignalsTest {
    @Test
    void hupReloadsAndTermStops(@TempDir Path dir) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        byte[] marker = "marker for the SIGHUP reload test".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.writeString(db.resolve("a.ndb"), "Old.Sig:0:*:" + HexFormat.of().formatHex("nothing".getBytes()) + "\n");
        Path target = Files.write(dir.resolve("target.bin"), marker);
        Path socket = dir.resolve("v.sock");
        Path pidFile = dir.resolve("v.pid");
        Path conf = dir.resolve("clamd.conf");
        Files.writeString(conf, "LocalSocket " + socket + "\nDatabaseDirectory " + db + "\nPidFile " + pidFile
                + "\nLogFile " + dir.resolve("v.log") + "\n");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // SIGHUP back to its default action: a build started under nohup passes it on ignored (see hupIgnoredAtStart)
        Process p = new ProcessBuilder("env", "--default-signal=HUP", javaBin, "-cp",
                System.getProperty("java.class.path"), Vigild.class.getName(),
                "-c", conf.toString(), "--foreground").redirectErrorStream(true)
                .redirectOutput(dir.resolve("v.out").toFile()).start();
        try {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!Files.exists(pidFile) && p.isAlive() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(pidFile).strip()).isEqualTo(Long.toString(p.pid()));
            var unix = java.net.UnixDomainSocketAddress.of(socket);
            byte[] scan = Fixtures.ascii("zSCAN " + target + "\0");
            assertThat(Fixtures.show(Fixtures.exchange(unix, scan, Duration.ofSeconds(10))))
                    .isEqualTo(target + ": OK\\0");

            Files.writeString(db.resolve("a.ndb"), "New.Sig:0:*:" + HexFormat.of().formatHex(marker) + "\n");
            assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor()).isZero();
            String reply;
            end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do {
                Thread.sleep(100);
                reply = Fixtures.show(Fixtures.exchange(unix, scan, Duration.ofSeconds(10)));
            } while (!reply.contains("FOUND") && System.nanoTime() < end);
            assertThat(reply).as(() -> "daemon log:\n" + readQuietly(dir.resolve("v.log")) + "\ndaemon output:\n"
                    + readQuietly(dir.resolve("v.out"))).isEqualTo(target + ": New.Sig.UNOFFICIAL FOUND\\0");

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(socket).doesNotExist();
            assertThat(pidFile).doesNotExist();
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(" + e + ")";
        }
    }

    /** Started with SIGHUP ignored (as under nohup), vigild cannot catch it, and says so instead of failing silently. */
    @Test
    void hupIgnoredAtStartIsReported(@TempDir Path dir) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("a.ndb"), "Old.Sig:0:*:" + HexFormat.of().formatHex("nothing".getBytes()) + "\n");
        Path pidFile = dir.resolve("v.pid");
        Path log = dir.resolve("v.log");
        Path conf = dir.resolve("clamd.conf");
        Files.writeString(conf, "LocalSocket " + dir.resolve("v.sock") + "\nDatabaseDirectory " + db + "\nPidFile "
                + pidFile + "\nLogFile " + log + "\n");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("env", "--ignore-signal=HUP", javaBin, "-cp",
                System.getProperty("java.class.path"), Vigild.class.getName(), "-c", conf.toString(), "--foreground")
                .redirectErrorStream(true).redirectOutput(dir.resolve("v.out").toFile()).start();
        try {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!readQuietly(log).contains("SIGHUP was ignored") && p.isAlive() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(readQuietly(log)).contains("SIGHUP was ignored when vigild started");
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
