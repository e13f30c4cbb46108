package dev.vigil.cli;

import dev.vigil.updates.http.StaticFileServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.vigil.cli.DaemonUpdateTest.awaitReply;
import static dev.vigil.cli.DaemonUpdateTest.freePort;
import static dev.vigil.cli.DaemonUpdateTest.hex;
import static dev.vigil.cli.DaemonUpdateTest.shutdown;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end test, all on loopback: keys from {@code vigil keys}; two {@code vigil witness} servers;
 * releases published by {@code vigil release} and cosigned by both witnesses over HTTP; the release directory served
 * by a StaticFileServer; a client updated by {@code vigil update} over HTTP; a running daemon (started in-process)
 * that updates on schedule, reloads, and detects a file with the signature release 3 added, which release 2 did not
 * detect; {@code vigil monitor} over HTTP; and a release the witnesses did not cosign refused by clients while the
 * daemon keeps detecting.
 */
class TransparentUpdateEndToEndTest {
    static final String ORIGIN = "updates.vigil.test/log";
    static final byte[] SAMPLE = "a harmless test file with gamma-marker-7f3a inside".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private final List<Thread> witnessThreads = new ArrayList<>();

    private CliRun vigil(String... args) {
        CliRun r = CliRun.run(dir, args);
        assertThat(r.status()).as(String.join(" ", args) + "\n" + r).isZero();
        return r;
    }

    private String key(String name, String type) {
        return vigil("keys", "generate", "--name", name, "--type", type, "--out", name + ".key").out().strip();
    }

    /** Starts {@code vigil witness} on a thread; returns its URL once it accepts connections. */
    private String witness(String name, String logVkey) throws Exception {
        int port = freePort();
        Thread t = Thread.ofPlatform().name(name).start(() -> CliRun.run(dir, "witness", "--key", name + ".key",
                "--log", ORIGIN + "=" + logVkey, "--state", name + "-state", "--listen", "127.0.0.1:" + port));
        witnessThreads.add(t);
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return "http://127.0.0.1:" + port + "/";
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("witness " + name + " did not start");
    }

    private CliRun release(int version, String ndb, List<String> witnessArgs) throws IOException {
        Path src = Files.createDirectories(dir.resolve("src" + version));
        Files.writeString(src.resolve("daily.ndb"), ndb);
        Files.writeString(src.resolve("extra.yar"), "rule vigil_test_rule_" + version + " { condition: false }\n");
        List<String> args = new ArrayList<>(List.of("release", "--log-dir", "logstate", "--www", "www", "--channel",
                "stable", "--version", Integer.toString(version), "--min-engine", "0.1", "--log-key", ORIGIN.replace('/', '_') + ".key",
                "--key", "r1.key", "--key", "r3.key", "--quorum", "2"));
        args.addAll(witnessArgs);
        args.add(src.resolve("daily.ndb").toString());
        args.add(src.resolve("extra.yar").toString());
        return CliRun.run(dir, args.toArray(String[]::new));
    }

    @Test
    void publishWitnessServeUpdateReloadDetect() throws Exception {
        String logVkey = vigil("keys", "generate", "--name", ORIGIN, "--type", "log", "--out",
                ORIGIN.replace('/', '_') + ".key").out().strip();
        StringBuilder policy = new StringBuilder("log " + logVkey + "\n");
        for (String r : List.of("r1", "r2", "r3")) {
            policy.append("release-key ").append(key(r, "release")).append('\n');
        }
        policy.append("release-threshold 2\n");
        List<String> witnessArgs = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        for (String w : List.of("w1", "w2")) {
            String vkey = key(w, "witness");
            String url = witness(w, logVkey);
            urls.add(url);
            witnessArgs.add("--witness");
            witnessArgs.add(url + "=" + vkey);
            policy.append("witness ").append(vkey).append('\n');
        }
        policy.append("witness-quorum 2\nmax-age 1h\n");
        Files.writeString(dir.resolve("policy"), policy);
        Files.createDirectories(dir.resolve("www"));
        String alpha = "Vigil.Test.Alpha:0:*:" + hex("alpha-marker-19c2") + "\n";
        int port = freePort();
        AtomicInteger daemonStatus = new AtomicInteger(-1);
        List<CliRun> daemonRun = new ArrayList<>();
        Thread daemon = null;
        try (StaticFileServer mirror = StaticFileServer.start(dir.resolve("www"))) {
            String url = mirror.uri().toString();
            for (int v = 1; v <= 2; v++) {
                CliRun r = release(v, alpha + "Vigil.Test.Beta" + v + ":0:*:" + hex("beta-" + v) + "\n", witnessArgs);
                assertThat(r.status()).as(r.toString()).isZero();
                assertThat(r.out()).contains("cosigned by 2 of 2 witness(es)");
            }
            CliRun u = vigil("update", "--mirror", url, "--policy", "policy", "--root", "client");
            assertThat(u.out()).contains("updated to stable version 2 (log index 1, checkpoint size 2)");

            Path root = dir.resolve("root");
            Files.writeString(dir.resolve("clamd.conf"), "TCPSocket " + port + "\nTCPAddr 127.0.0.1\n"
                    + "DatabaseDirectory " + root.resolve("current") + "\n");
            daemon = Thread.ofPlatform().start(() -> {
                CliRun r = CliRun.run(dir, "daemon", "-c", "clamd.conf", "--update-mirror", url, "--update-policy",
                        "policy", "--update-root", "root", "--update-interval", "1s");
                daemonRun.add(r);
                daemonStatus.set(r.status());
            });
            // Release 2 is served: the sample is clean.
            awaitReply(port, SAMPLE, "stream: OK", daemon);

            CliRun r3 = release(3, alpha + "Vigil.Test.Gamma:0:*:" + hex("gamma-marker-7f3a") + "\n", witnessArgs);
            assertThat(r3.status()).as(r3.toString()).isZero();
            // Release 3 reaches the daemon over HTTP, is verified, installed, reloaded: the sample is detected.
            awaitReply(port, SAMPLE, "stream: Vigil.Test.Gamma.UNOFFICIAL FOUND", daemon);
            assertThat(vigil("update", "--mirror", url, "--policy", "policy", "--root", "client").out())
                    .contains("updated to stable version 3");

            CliRun m = vigil("monitor", "--mirror", url, "--policy", "policy");
            assertThat(m.out()).contains("entry 2: stable version 3 (min-engine 0.1), signed by r1, r3")
                    .contains("  + Vigil.Test.Gamma\n").contains("  + vigil_test_rule_3\n")
                    .contains("  - Vigil.Test.Beta2\n").contains("  - vigil_test_rule_2\n")
                    .contains("cosigned by w1, w2").contains("3 release(s), 0 problem(s)");

            // One witness goes away: release 4 cannot reach the quorum, clients refuse it, the daemon keeps release 3.
            witnessThreads.get(1).interrupt();
            witnessThreads.get(1).join(10_000);
            CliRun r4 = release(4, "Vigil.Test.Delta:0:*:" + hex("delta") + "\n", witnessArgs);
            assertThat(r4.status()).as(r4.toString()).isEqualTo(1);
            assertThat(r4.err()).contains("only 1 cosignature(s), 2 needed");
            CliRun refused = CliRun.run(dir, "update", "--mirror", url, "--policy", "policy", "--root", "client");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err()).startsWith("update refused: WITNESS_QUORUM");
            Thread.sleep(1500); // at least one scheduled update sees release 4 and refuses it
            assertThat(DaemonUpdateTest.instream(port, SAMPLE)).isEqualTo("stream: Vigil.Test.Gamma.UNOFFICIAL FOUND");
        } finally {
            shutdown(port);
            if (daemon != null) {
                daemon.join(Duration.ofSeconds(20));
            }
            for (Thread t : witnessThreads) {
                t.interrupt();
                t.join(10_000);
            }
        }
        assertThat(daemon.isAlive()).isFalse();
        assertThat(daemonStatus.get()).as(daemonRun.toString()).isZero();
        assertThat(daemonRun.get(0).err()).contains("Update: installed stable version 2")
                .contains("Update: installed stable version 3").contains("Update refused, the database in service "
                        + "is unchanged: WITNESS_QUORUM");
        assertThat(witnessThreads).noneMatch(Thread::isAlive);
    }
}
