package dev.vigil.daemon;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.vigil.daemon.FdConversation.send;
import static dev.vigil.daemon.FdConversation.shutdownOutput;
import static dev.vigil.daemon.FdConversation.withDirectory;
import static dev.vigil.daemon.FdConversation.withFile;
import static dev.vigil.daemon.FdConversation.withPipe;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * FILDES against vigild alone: no descriptor is leaked whatever the client does, and clients that leave FILDES
 * waiting for its descriptor do not hold up anyone else (the wait must not pin a carrier thread).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FildesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private Vigild vigild;
    private Path files;
    private NativeClient client;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        Path db = Fixtures.database(tmp.resolve("db"));
        files = Fixtures.files(tmp.resolve("files"));
        vigild = Fixtures.vigild(tmp.resolve("vigild"), db, "CommandReadTimeout 2\nReadTimeout 2\n");
        client = NativeClient.require(vigild);
    }

    @AfterAll
    void stop() {
        if (vigild != null) {
            vigild.close();
        }
    }

    private static FdConversation c(String name, boolean session, FdConversation.Step... steps) {
        return new FdConversation(name, List.of(steps), session);
    }

    @Test
    void noDescriptorIsLeaked() throws Exception {
        List<FdConversation> all = List.of(
                c("eicar", false, send("zFILDES\0"), withFile("\0", "eicar.com")),
                c("clean, one packet", false, send("zFILDES\0"), withFile("\0", "clean.txt")),
                c("directory", false, send("zFILDES\0"), withDirectory("\0", "clean")),
                c("pipe", false, send("zFILDES\0"), withPipe("\0")),
                c("no descriptor", false, send("zFILDES\0x")),
                c("then close", false, send("zFILDES\0"), shutdownOutput()),
                c("on the command", false, withFile("zFILDES\0", "eicar.com")),
                c("with ping", false, withFile("zPING\0", "clean.txt")),
                c("alone", false, withFile("x", "clean.txt"), shutdownOutput()),
                c("session", true, send("zIDSESSION\0zFILDES\0"), withFile("\0", "eicar.com"),
                        withPipe("zPING\0"), send("zEND\0")));
        for (FdConversation conv : all) {
            conv.run(client, Fixtures.unix(vigild), files, WAIT); // classes loaded, pools warmed
        }
        awaitNoConnections();
        long before = openDescriptors();
        int found = 0;
        for (int round = 0; round < 20; round++) {
            for (FdConversation conv : all) {
                String reply = Fixtures.show(conv.run(client, Fixtures.unix(vigild), files, WAIT));
                assertThat(reply).as(conv.name()).doesNotContain("<no end>");
                if (reply.contains("Eicar-Test-Signature")) {
                    found++;
                }
            }
        }
        awaitNoConnections();
        assertThat(found).as("the EICAR conversations found it every time").isEqualTo(40);
        assertThat(openDescriptors()).as("descriptors of this JVM after 200 FILDES conversations")
                .isEqualTo(before);
    }

    @Test
    void waitingForTheDescriptorHoldsUpNobody() throws Exception {
        List<SocketChannel> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                SocketChannel ch = Fixtures.open(Fixtures.unix(vigild));
                ch.write(ByteBuffer.wrap(Fixtures.ascii("zFILDES\0")));
                waiting.add(ch);
            }
            Thread.sleep(200); // all forty wait for the byte that would carry the descriptor
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                assertThat(Fixtures.show(Fixtures.exchange(Fixtures.tcp(vigild), Fixtures.ascii("zPING\0"), WAIT)))
                        .isEqualTo("PONG\\0");
                String scan = Fixtures.show(c("eicar", false, send("zFILDES\0"), withFile("\0", "eicar.com"))
                        .run(client, Fixtures.unix(vigild), files, WAIT));
                assertThat(scan).contains("Eicar-Test-Signature");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            for (SocketChannel ch : waiting) {
                // CommandReadTimeout ends each wait, as clamd's
                assertThat(Fixtures.show(Fixtures.readToEnd(ch, WAIT))).isEqualTo("COMMAND READ TIMED OUT\\n");
            }
        } finally {
            for (SocketChannel ch : waiting) {
                ch.close();
            }
        }
        awaitNoConnections();
    }

    /**
     * A JVM without native access and without sun.nio.ch (no launcher flags, no jar manifest) falls back to the
     * Java 21 behaviour: one warning in the log, and FILDES answered as clamd answers when no descriptor came.
     */
    @Test
    void withoutNativeAccessFildesAnswersWithoutADescriptor(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("v.sock");
        Path log = dir.resolve("v.log");
        Path db = Fixtures.database(dir.resolve("db"));
        Path conf = dir.resolve("clamd.conf");
        Files.writeString(conf, "LocalSocket " + socket + "\nDatabaseDirectory " + db + "\nLogFile " + log + "\n");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), Vigild.class.getName(),
                "-c", conf.toString(), "--foreground").redirectErrorStream(true)
                .redirectOutput(dir.resolve("v.out").toFile()).start();
        try {
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            var unix = java.net.UnixDomainSocketAddress.of(socket);
            // The socket file appears when it is bound, a moment before it listens: wait for a connection to succeed
            while (!accepts(unix) && p.isAlive() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
            for (int i = 0; i < 3; i++) {
                String reply = Fixtures.show(c("eicar", false, send("zFILDES\0"), withFile("\0", "eicar.com"))
                        .run(client, unix, files, WAIT));
                assertThat(reply).isEqualTo("No file descriptor received. ERROR\\0");
            }
            assertThat(Fixtures.show(Fixtures.exchange(unix, Fixtures.ascii("zPING\0"), WAIT))).isEqualTo("PONG\\0");
        } finally {
            p.destroy();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        String text = Files.readString(log);
        assertThat(text.split("descriptor passing unavailable", -1)).as(text).hasSize(2);
        assertThat(text).contains("needs --enable-native-access");
        assertThat(Files.readString(dir.resolve("v.out"))).doesNotContain("restricted method");
    }

    private void awaitNoConnections() throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (vigild.server().openConnections() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(vigild.server().openConnections()).isZero();
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static boolean accepts(java.net.UnixDomainSocketAddress address) {
        if (!Files.exists(address.getPath())) {
            return false;
        }
        try (SocketChannel ch = Fixtures.open(address)) {
            return true;
        } catch (java.io.IOException e) {
            return false; // bound but not yet listening
        }
    }
}
