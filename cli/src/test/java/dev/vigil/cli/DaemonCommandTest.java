package dev.vigil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code vigil daemon -c FILE}: starts from a clamd.conf, answers, writes its PID file, and stops on SHUTDOWN. */
class DaemonCommandTest {
    private static Io io(ByteArrayOutputStream out, ByteArrayOutputStream err, Path cwd) {
        return new Io(cwd, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    private static String exchange(Path socket, String request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            return new String(Channels.newInputStream(ch).readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void runsUntilShutdown(@TempDir Path dir) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("test.ndb"), "Test.Marker:0:*:" + "6d61726b6572" + "\n");
        Path socket = dir.resolve("vigild.sock");
        Path pid = dir.resolve("vigild.pid");
        Files.writeString(dir.resolve("clamd.conf"), "LocalSocket " + socket + "\nDatabaseDirectory " + db
                + "\nPidFile " + pid + "\nFrobnicate yes\n");
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        AtomicInteger status = new AtomicInteger(-1);
        Thread daemon = Thread.ofPlatform().start(() ->
                status.set(Main.run(new String[]{"daemon", "-c", "clamd.conf", "--foreground"}, io(out, err, dir))));
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(pid) && daemon.isAlive() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        try {
            assertThat(Files.readString(pid).strip()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThat(exchange(socket, "zPING\0")).isEqualTo("PONG\0");
            assertThat(exchange(socket, "SHUTDOWN")).isEmpty();
            daemon.join(Duration.ofSeconds(10));
            assertThat(daemon.isAlive()).isFalse();
            assertThat(status.get()).isZero();
            assertThat(socket).doesNotExist();
            assertThat(pid).doesNotExist();
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option Frobnicate");
        } finally {
            if (daemon.isAlive()) {
                exchange(socket, "zSHUTDOWN\0");
                daemon.join(Duration.ofSeconds(10));
            }
        }
    }

    @Test
    void refusesToStartWithoutDatabase(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("clamd.conf"), "LocalSocket " + dir.resolve("s") + "\nDatabaseDirectory "
                + dir.resolve("db") + "\n");
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(new String[]{"daemon", "-c", "clamd.conf"}, io(out, err, dir));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("no supported database files found");
    }
}
