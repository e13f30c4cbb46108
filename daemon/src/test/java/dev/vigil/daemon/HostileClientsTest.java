package dev.vigil.daemon;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static dev.vigil.daemon.Fixtures.EICAR;
import static dev.vigil.daemon.Fixtures.ascii;
import static dev.vigil.daemon.Fixtures.chunk;
import static dev.vigil.daemon.Fixtures.concat;
import static dev.vigil.daemon.Fixtures.show;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that misbehave: split commands, absurd chunk lengths, garbage, half-closed sockets, idle and drip-fed
 * connections, clients that never read, and thousands of connections opened and dropped. After each, vigild must
 * still answer others, and it must not keep connections, threads or descriptors behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Vigild vigild;
    private Path files;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Path db = Fixtures.database(tmp.resolve("db"));
        files = Fixtures.files(tmp.resolve("files"));
        vigild = Fixtures.vigild(tmp.resolve("vigild"), db, "CommandReadTimeout 1\nReadTimeout 1\n"
                + "SendBufTimeout 300\nStreamMaxLength 64K\nMaxThreads 4\nMaxQueue 50\n");
    }

    @AfterAll
    void stop() {
        if (vigild != null) {
            vigild.close();
        }
    }

    private List<SocketAddress> transports() {
        return List.of(Fixtures.tcp(vigild), Fixtures.unix(vigild));
    }

    private void stillServes() throws IOException {
        for (SocketAddress a : transports()) {
            assertThat(show(Fixtures.exchange(a, ascii("zPING\0"), WAIT))).isEqualTo("PONG\\0");
        }
    }

    Stream<byte[]> requests() {
        return Stream.of(ascii("zPING\0"), ascii("nVERSION\n"), concat(ascii("zINSTREAM\0"), chunk(EICAR),
                new byte[4]), ascii("zIDSESSION\0zPING\0nVERSION\nzEND\0"),
                ascii("nSCAN " + files.resolve("eicar.com") + "\n"));
    }

    @Test
    void commandsSplitAtEveryByteGetTheSameReply() throws Exception {
        for (byte[] request : requests().toList()) {
            byte[] whole = Fixtures.exchange(Fixtures.tcp(vigild), request, WAIT);
            assertThat(show(whole)).doesNotContain("<no end>").isNotEmpty();
            for (int split = 1; split < request.length; split++) {
                try (SocketChannel ch = Fixtures.open(Fixtures.tcp(vigild))) {
                    ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    ch.write(ByteBuffer.wrap(request, 0, split));
                    Thread.sleep(3);
                    ch.write(ByteBuffer.wrap(request, split, request.length - split));
                    assertThat(show(Fixtures.readToEnd(ch, WAIT))).as("split at %d of %s", split, show(request))
                            .isEqualTo(show(whole));
                }
            }
        }
        stillServes();
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0x8000_0000, 64 * 1024 + 1, 0x7fff_ffff})
    void chunkLengthsOverTheLimitAreRefused(int length) throws Exception {
        for (SocketAddress a : transports()) {
            byte[] request = concat(ascii("zINSTREAM\0"), ByteBuffer.allocate(4).putInt(length).array());
            assertThat(show(Fixtures.exchange(a, request, WAIT))).isEqualTo("INSTREAM size limit exceeded. ERROR\\0");
        }
        stillServes();
    }

    @Test
    void quotaCountsEveryChunk() throws Exception {
        byte[] part = new byte[40 * 1024];
        byte[] request = concat(ascii("nINSTREAM\n"), chunk(part), chunk(part), new byte[4]);
        assertThat(show(Fixtures.exchange(Fixtures.tcp(vigild), request, WAIT)))
                .isEqualTo("INSTREAM size limit exceeded. ERROR\\n");
        stillServes();
    }

    @Test
    void garbageNeverStopsTheDaemon() throws Exception {
        Random random = new Random(20261124);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            byte[] junk = new byte[1 + random.nextInt(6000)];
            random.nextBytes(junk);
            if (i % 3 == 0) {
                junk[0] = (byte) (i % 2 == 0 ? 'z' : 'n'); // a prefixed command that never ends
            }
            boolean halfClose = i % 4 != 0;
            SocketAddress a = transports().get(i % 2);
            clients.add(Thread.ofVirtual().start(() -> {
                try (SocketChannel ch = Fixtures.open(a)) {
                    ch.write(ByteBuffer.wrap(junk));
                    if (halfClose) {
                        ch.shutdownOutput();
                    }
                    Fixtures.readToEnd(ch, WAIT);
                } catch (IOException ignored) {
                    // being reset is a fair answer to garbage
                }
            }));
        }
        for (Thread t : clients) {
            t.join();
        }
        stillServes();
        awaitNoConnections();
    }

    @Test
    void halfClosedClientsStillGetTheirReply() throws Exception {
        for (SocketAddress a : transports()) {
            assertThat(show(halfClosed(a, ascii("zPING\0")))).isEqualTo("PONG\\0");
            assertThat(show(halfClosed(a, concat(ascii("zINSTREAM\0"), chunk(EICAR), new byte[4]))))
                    .isEqualTo("stream: Eicar-Test-Signature-NDB.UNOFFICIAL FOUND\\0");
            // an unfinished command or stream: the connection just ends
            assertThat(show(halfClosed(a, ascii("zPIN")))).isEmpty();
            assertThat(show(halfClosed(a, concat(ascii("zINSTREAM\0"), new byte[]{0, 0, 0, 100}, new byte[10]))))
                    .isEmpty();
        }
        stillServes();
    }

    private static byte[] halfClosed(SocketAddress a, byte[] request) throws IOException {
        try (SocketChannel ch = Fixtures.open(a)) {
            ch.write(ByteBuffer.wrap(request));
            ch.shutdownOutput();
            return Fixtures.readToEnd(ch, WAIT);
        }
    }

    @Test
    void idleClientsTimeOut() throws Exception {
        for (SocketAddress a : transports()) {
            long start = System.nanoTime();
            byte[] reply = Fixtures.exchange(a, new byte[0], WAIT);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(show(reply)).isEqualTo("COMMAND READ TIMED OUT\\n");
            assertThat(millis).isBetween(900L, 3000L);
        }
    }

    @Test
    void stalledStreamTimesOut() throws Exception {
        byte[] request = concat(ascii("zINSTREAM\0"), new byte[]{0, 0, 0, 100}, new byte[10]);
        long start = System.nanoTime();
        byte[] reply = Fixtures.exchange(Fixtures.tcp(vigild), request, WAIT);
        assertThat(show(reply)).isEqualTo("COMMAND READ TIMED OUT\\n");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000L);
    }

    @Test
    void dripFedCommandIsDroppedAtTheCommandDeadline() throws Exception {
        try (SocketChannel ch = Fixtures.open(Fixtures.tcp(vigild))) {
            AtomicBoolean stop = new AtomicBoolean();
            long start = System.nanoTime();
            Thread drip = Thread.ofVirtual().start(() -> {
                byte[] cmd = ascii("zSCAN /" + "a".repeat(1000));
                try {
                    for (int i = 0; i < cmd.length && !stop.get(); i++) {
                        ch.write(ByteBuffer.wrap(cmd, i, 1));
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException ignored) {
                    // dropped by the daemon: the point of the test
                }
            });
            byte[] reply = Fixtures.readToEnd(ch, WAIT);
            long millis = (System.nanoTime() - start) / 1_000_000;
            stop.set(true);
            drip.join();
            assertThat(show(reply)).isEqualTo("COMMAND READ TIMED OUT\\n");
            assertThat(millis).isBetween(900L, 3000L);
        }
        stillServes();
    }

    @Test
    void clientThatNeverReadsIsDropped() throws Exception {
        SocketChannel ch = Fixtures.open(Fixtures.tcp(vigild));
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = Thread.ofVirtual().start(() -> {
            byte[] many = ascii("nVERSIONCOMMANDS\n".repeat(1000));
            try {
                ch.write(ByteBuffer.wrap(ascii("zIDSESSION\0")));
                while (!stop.get()) {
                    ch.write(ByteBuffer.wrap(many));
                }
            } catch (IOException ignored) {
                // the daemon gave up on us
            }
        });
        try {
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (writer.isAlive() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            assertThat(writer.isAlive()).as("vigild dropped the client that does not read").isFalse();
        } finally {
            stop.set(true);
            ch.close();
            writer.join();
        }
        stillServes();
        awaitNoConnections();
    }

    @Test
    void thousandsOfDroppedConnectionsLeakNothing() throws Exception {
        stillServes();
        awaitNoConnections();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long fdsBefore = openDescriptors();
        for (int batch = 0; batch < 20; batch++) {
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                SocketAddress a = transports().get(i % 2);
                int kind = i % 3;
                clients.add(Thread.ofVirtual().start(() -> {
                    try (SocketChannel ch = Fixtures.open(a)) {
                        if (kind == 1) {
                            ch.write(ByteBuffer.wrap(ascii("zPI")));
                        } else if (kind == 2) {
                            ch.write(ByteBuffer.wrap(concat(ascii("zINSTREAM\0"), new byte[]{0, 0, 1, 0})));
                        }
                    } catch (IOException ignored) {
                        // refused while the daemon is busy: fine, the client goes away anyway
                    }
                }));
            }
            for (Thread t : clients) {
                t.join();
            }
        }
        stillServes();
        awaitNoConnections();
        assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(threadsBefore + 2);
        assertThat(openDescriptors()).isLessThanOrEqualTo(fdsBefore + 5);
    }

    private void awaitNoConnections() throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (vigild.server().openConnections() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(vigild.server().openConnections()).isZero();
    }

    private static long openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
