package dev.vigil.daemon;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what vigild parses: clamd.conf text, command lines, and whole client byte streams sent to a running daemon
 * (which must answer or close within its timeouts, and keep answering PING).
 */
class ClamdFuzzTest {
    private static Path work;
    private static Vigild daemon;

    @BeforeAll
    static void start() throws Exception {
        work = Files.createTempDirectory("vigild-fuzz");
        daemon = Fixtures.vigild(work.resolve("v"), Fixtures.database(work.resolve("db")),
                "CommandReadTimeout 1\nReadTimeout 1\nStreamMaxLength 1M\n");
    }

    @AfterAll
    static void stop() throws IOException {
        if (daemon != null) {
            daemon.close();
        }
        try (Stream<Path> s = Files.walk(work)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "30s")
    void config(byte[] data) {
        try {
            ClamdConfig c = ClamdConfigParser.parse(new String(data, StandardCharsets.ISO_8859_1), "fuzz.conf");
            assertThat(c.maxThreads()).isPositive();
            c.scanLimits();
        } catch (ConfigException expected) {
            // refusing a malformed file is the right answer
        }
    }

    @FuzzTest(maxDuration = "30s")
    void commandLine(byte[] data) {
        String line = new String(data, StandardCharsets.UTF_8);
        ClamdCommand.Parsed p = ClamdCommand.parse(line, data.length > 0 && (data[0] & 1) == 1);
        assertThat(p.command()).isNotNull();
        if (p.argument() != null) {
            assertThat(p.command().needsArgument).isTrue();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void clientBytes(byte[] data) throws IOException {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        if (text.contains("SHUTDOWN") || text.contains("QUIT") || text.contains("SCAN")) {
            return; // would stop the daemon under test, or walk this machine's file system
        }
        int port = daemon.server().tcpPort();
        // the connections go to the daemon under test on loopback, nowhere else (Jazzer's SSRF detector)
        try (var allowed = BugDetectors.allowNetworkConnections((host, p) -> p == port)) {
            try (var ch = Fixtures.open(Fixtures.tcp(daemon))) {
                ch.write(java.nio.ByteBuffer.wrap(data));
                ch.shutdownOutput();
                Fixtures.readToEnd(ch, Duration.ofSeconds(5));
            } catch (IOException resetIsFine) {
                // the daemon may reset a connection it stopped reading
            }
            assertThat(Fixtures.show(Fixtures.exchange(Fixtures.tcp(daemon), Fixtures.ascii("zPING\0"),
                    Duration.ofSeconds(5)))).isEqualTo("PONG\\0");
        }
    }

    /**
     * Byte streams over the Unix socket, whose reads go through recvmsg: the first byte picks where the stream is
     * cut and what the second part carries as SCM_RIGHTS (a file, a directory or a pipe), so that descriptors
     * arrive in every state of the protocol. The daemon must answer PING afterwards.
     */
    @FuzzTest(maxDuration = "60s")
    void unixClientBytesWithDescriptor(byte[] data) throws Exception {
        NativeClient client = NativeClient.load();
        String text = new String(data, StandardCharsets.ISO_8859_1);
        if (client == null || !daemon.server().descriptorPassing() || data.length < 2 || text.contains("SHUTDOWN")
                || text.contains("QUIT") || text.contains("SCAN")) {
            return;
        }
        int choice = data[0] & 0xff;
        int cut = 1 + (choice >> 2) % (data.length - 1);
        byte[] first = java.util.Arrays.copyOfRange(data, 1, cut);
        byte[] second = cut < data.length ? java.util.Arrays.copyOfRange(data, cut, data.length) : new byte[]{0};
        try (var ch = Fixtures.open(Fixtures.unix(daemon))) {
            ch.write(java.nio.ByteBuffer.wrap(first));
            int[] fds = switch (choice & 3) {
                case 0 -> client.pipe();
                case 1 -> new int[]{client.openDirectory(work)};
                default -> new int[]{client.openFile(work.resolve("db/test.ndb"))};
            };
            try {
                client.sendWithDescriptor(ch, second, fds[0]);
            } finally {
                for (int fd : fds) {
                    client.close(fd);
                }
            }
            ch.shutdownOutput();
            Fixtures.readToEnd(ch, Duration.ofSeconds(5));
        } catch (IOException resetIsFine) {
            // the daemon may close a connection it stopped reading
        }
        assertThat(Fixtures.show(Fixtures.exchange(Fixtures.unix(daemon), Fixtures.ascii("zPING\0"),
                Duration.ofSeconds(5)))).isEqualTo("PONG\\0");
    }
}
