package dev.vigil.daemon;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Test material shared by the daemon tests: a small database, files to scan, configurations, a raw client. */
final class Fixtures {
    static final Path CLAMD = Path.of("/usr/sbin/clamd");
    static final Path CLAMDSCAN = Path.of("/usr/bin/clamdscan");

    /** The EICAR test string, the standard harmless test file. */
    static final byte[] EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
            .getBytes(StandardCharsets.US_ASCII);

    private Fixtures() {
    }

    /** Skips the calling test when a reference tool is missing, unless -Dvigil.requireOracles=true. */
    static void assumeInstalled(Path tool) {
        if (!Boolean.getBoolean("vigil.requireOracles")) {
            Assumptions.assumeTrue(Files.isExecutable(tool), tool + " is not installed");
        }
    }

    /** A file that the hash signature of {@link #database} names. */
    static final byte[] HASHED = "Vigil daemon test: a file known by its MD5\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * A database with a body signature for EICAR and a hash signature for {@link #HASHED} (clamd refuses to start
     * with none).
     */
    static Path database(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder hex = new StringBuilder();
        for (byte b : EICAR) {
            hex.append(String.format("%02x", b));
        }
        Files.writeString(dir.resolve("test.ndb"), "Eicar-Test-Signature-NDB:0:*:" + hex + "\n");
        Files.writeString(dir.resolve("test.hdb"), md5(HASHED) + ":" + HASHED.length + ":Vigil-Test-HDB\n");
        return dir;
    }

    /** Files to scan: an infected and a clean file, an empty one, and directories of each kind. */
    static Path files(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("infected/sub"));
        Files.createDirectories(dir.resolve("clean/sub"));
        Files.write(dir.resolve("eicar.com"), EICAR);
        Files.write(dir.resolve("hashed.bin"), HASHED);
        Files.writeString(dir.resolve("clean.txt"), "nothing to see here\n");
        Files.write(dir.resolve("empty"), new byte[0]);
        Files.writeString(dir.resolve("infected/a.txt"), "harmless\n");
        Files.write(dir.resolve("infected/sub/eicar.com"), EICAR);
        Files.writeString(dir.resolve("clean/a.txt"), "harmless\n");
        Files.writeString(dir.resolve("clean/sub/b.txt"), "also harmless\n");
        return dir;
    }

    static String md5(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Sends {@code request}, half-closes nothing, and returns everything received until the server closes. */
    static byte[] exchange(SocketAddress address, byte[] request, Duration timeout) throws IOException {
        try (SocketChannel ch = open(address)) {
            ch.write(ByteBuffer.wrap(request));
            return readToEnd(ch, timeout);
        }
    }

    static SocketChannel open(SocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
        ch.connect(address);
        return ch;
    }

    /** Everything until end of stream; stops early (returning what came) after {@code timeout}. */
    static byte[] readToEnd(SocketChannel ch, Duration timeout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = Channels.newInputStream(ch)) {
                byte[] b = new byte[8192];
                int n;
                while ((n = in.read(b)) > 0) {
                    synchronized (out) {
                        out.write(b, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // reset or closed: what came so far is the answer
            }
        });
        try {
            reader.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (reader.isAlive()) {
            ch.close();
            synchronized (out) {
                out.write("<no end>".getBytes(StandardCharsets.US_ASCII), 0, 8);
            }
        }
        synchronized (out) {
            return out.toByteArray();
        }
    }

    static byte[] chunk(byte[] data) {
        return ByteBuffer.allocate(4 + data.length).putInt(data.length).put(data).array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String show(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).replace("\0", "\\0").replace("\n", "\\n");
    }

    /** A real clamd 1.4 in the foreground, with its own configuration; stopped by {@link #close()}. */
    static final class RealClamd implements AutoCloseable {
        final Process process;
        final int port;
        final Path socket;

        RealClamd(Path work, Path database, String extraConfig) throws IOException, InterruptedException {
            Files.createDirectories(work);
            port = freePort();
            socket = work.resolve("clamd.sock");
            Path conf = work.resolve("clamd.conf");
            Files.writeString(conf, "TCPSocket " + port + "\nTCPAddr 127.0.0.1\nLocalSocket " + socket
                    + "\nDatabaseDirectory " + database + "\nForeground yes\nTemporaryDirectory " + work
                    + "\nLogFile " + work.resolve("clamd.log") + "\n" + extraConfig);
            process = new ProcessBuilder(CLAMD.toString(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("clamd.out").toFile()).start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("clamd exited: " + Files.readString(work.resolve("clamd.out")));
                }
                if (Files.exists(socket)) {
                    try {
                        byte[] r = exchange(new InetSocketAddress("127.0.0.1", port), ascii("zPING\0"),
                                Duration.ofSeconds(5));
                        if (show(r).equals("PONG\\0")) {
                            break;
                        }
                    } catch (IOException notYet) {
                        // TCP not bound yet
                    }
                }
                if (System.nanoTime() > end) {
                    close();
                    throw new IllegalStateException("clamd did not start in time");
                }
                Thread.sleep(100);
            }
        }

        InetSocketAddress tcp() {
            return new InetSocketAddress("127.0.0.1", port);
        }

        UnixDomainSocketAddress unix() {
            return UnixDomainSocketAddress.of(socket);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** vigild in this JVM, from configuration text (TCPSocket 0 picks a free port). */
    /** Closes each daemon that was started (nulls are skipped), all of them even when one fails to close. */
    static void stopAll(AutoCloseable... daemons) throws Exception {
        Exception first = null;
        for (AutoCloseable d : daemons) {
            if (d == null) {
                continue;
            }
            try {
                d.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static Vigild vigild(Path work, Path database, String extraConfig) throws Exception {
        Files.createDirectories(work);
        Path socket = work.resolve("vigild.sock");
        String text = "TCPSocket 0\nTCPAddr 127.0.0.1\nLocalSocket " + socket + "\nDatabaseDirectory " + database
                + "\nForeground yes\nTemporaryDirectory " + work + "\n" + extraConfig;
        return Vigild.start(ClamdConfigParser.parse(text, "test.conf"), DaemonLog.discard());
    }

    static InetSocketAddress tcp(Vigild d) {
        return new InetSocketAddress("127.0.0.1", d.server().tcpPort());
    }

    static UnixDomainSocketAddress unix(Vigild d) {
        return UnixDomainSocketAddress.of(d.config().localSocket());
    }
}
