package dev.vigil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil daemon --update-*}: a daemon started in-process on a free loopback port installs its first database
 * from the mirror, then picks up a new release on schedule and detects the signature it added (INSTREAM).
 */
class DaemonUpdateTest {
    static final String ORIGIN = "updates.vigil.test/log";
    static final String SAMPLE = "a harmless file holding gamma-marker-7f3a somewhere";

    @TempDir
    Path dir;

    private CliRun vigil(String... args) {
        CliRun r = CliRun.run(dir, args);
        assertThat(r.status()).as(String.join(" ", args) + "\n" + r).isZero();
        return r;
    }

    static String instream(int port, byte[] data) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
            out.writeInt(data.length);
            out.write(data);
            out.writeInt(0);
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return reply.endsWith("\0") ? reply.substring(0, reply.length() - 1) : reply;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void shutdown(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write("zSHUTDOWN\0".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // already stopped
        }
    }

    private void release(int version, String ndb) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src" + version));
        Files.writeString(src.resolve("daily.ndb"), ndb);
        vigil("release", "--log-dir", "logstate", "--www", "www", "--channel", "stable", "--version",
                Integer.toString(version), "--min-engine", "0.1", "--log-key", "log.key", "--key", "r1.key",
                "--key", "r2.key", src.resolve("daily.ndb").toString());
    }

    @Test
    void daemonReloadsAfterAScheduledUpdateAndDetectsTheNewSignature() throws Exception {
        String logVkey = vigil("keys", "generate", "--name", ORIGIN, "--type", "log", "--out", "log.key").out().strip();
        String r1 = vigil("keys", "generate", "--name", "r1.vigil.test", "--out", "r1.key").out().strip();
        String r2 = vigil("keys", "generate", "--name", "r2.vigil.test", "--out", "r2.key").out().strip();
        Files.writeString(dir.resolve("policy"), "log " + logVkey + "\nrelease-key " + r1 + "\nrelease-key " + r2
                + "\nrelease-threshold 2\n");
        String alpha = "Vigil.Test.Alpha:0:*:" + hex("alpha-marker-19c2") + "\n";
        release(1, alpha);
        int port = freePort();
        Path root = dir.resolve("root");
        Files.writeString(dir.resolve("clamd.conf"), "TCPSocket " + port + "\nTCPAddr 127.0.0.1\nDatabaseDirectory "
                + root.resolve("current") + "\nLogVerbose yes\n");
        AtomicInteger status = new AtomicInteger(-1);
        List<CliRun> daemonRun = new ArrayList<>();
        Thread daemon = Thread.ofPlatform().start(() -> {
            CliRun r = CliRun.run(dir, "daemon", "-c", "clamd.conf", "--update-mirror", "www", "--update-policy",
                    "policy", "--update-root", "root", "--update-interval", "1s");
            daemonRun.add(r);
            status.set(r.status());
        });
        try {
            byte[] sample = SAMPLE.getBytes(StandardCharsets.US_ASCII);
            awaitReply(port, sample, "stream: OK", daemon);
            release(2, alpha + "Vigil.Test.Gamma:0:*:" + hex("gamma-marker-7f3a") + "\n");
            awaitReply(port, sample, "stream: Vigil.Test.Gamma.UNOFFICIAL FOUND", daemon);
        } finally {
            shutdown(port);
            daemon.join(Duration.ofSeconds(20));
        }
        assertThat(daemon.isAlive()).isFalse();
        assertThat(status.get()).as(daemonRun.toString()).isZero();
        assertThat(daemonRun.get(0).err()).contains("Update: installed stable version 1")
                .contains("Update: installed stable version 2").contains("reloading the database");
    }

    /** Polls until the daemon gives {@code expected} (it may not listen yet, or not have reloaded yet). */
    static void awaitReply(int port, byte[] sample, String expected, Thread daemon) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = null;
        while (System.nanoTime() < end && daemon.isAlive()) {
            try {
                last = instream(port, sample);
                if (last.equals(expected)) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("daemon never answered " + expected + "; last answer: " + last);
    }

    static String hex(String s) {
        return java.util.HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
    }
}
