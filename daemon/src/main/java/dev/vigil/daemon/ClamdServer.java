package dev.vigil.daemon;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clamd-compatible socket server: listens on the configured TCP port and/or Unix socket and serves each client
 * on a virtual thread. At most MaxQueue clients are served at once (further ones wait in the kernel's backlog of
 * MaxConnectionQueueLength, as with clamd) and at most MaxThreads scans run at once ({@link Scanner}). A reaper thread
 * drops clients that miss their read or write deadline.
 */
public final class ClamdServer implements AutoCloseable {
    /** The clamd release whose protocol vigild speaks. */
    public static final String CLAMD_VERSION = "1.4.6";
    /** What VERSION reports in place of clamd's version: clamd's, marked as Vigil's implementation of it. */
    public static final String VERSION = CLAMD_VERSION + "-vigil";
    private static final long REAPER_PERIOD_MS = 100;

    private final ClamdConfig config;
    private final DatabaseHolder holder;
    private final Scanner scanner;
    private final DaemonLog log;
    private final DaemonStats stats = new DaemonStats();
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final Set<ClamdConnection> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore connectionSlots;
    /** Per-connection buffers, reused (see {@link BufferPool}): one per client being served. */
    private final BufferPool ioBuffers;
    private final BufferPool spoolBuffers;
    /** The in-memory start of an INSTREAM spool: most streams (mail, uploads) fit. */
    private static final int SPOOL_BUFFER = 256 * 1024;
    private final AtomicInteger multiscans = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final DescriptorPassing descriptors;
    private Thread reaper;
    private final HeapTrimmer heapTrimmer;
    private Path unixSocket;
    private int tcpPort = -1;

    private ClamdServer(ClamdConfig config, DatabaseHolder holder, Scanner scanner, DaemonLog log) {
        this.config = config;
        this.holder = holder;
        this.scanner = scanner;
        this.log = log;
        // clamd raises MaxQueue to twice MaxThreads when it is lower
        int served = Math.max(config.maxQueue(), 2 * config.maxThreads());
        this.connectionSlots = new Semaphore(served);
        this.ioBuffers = new BufferPool(ClamdConnection.IO_BUFFER, served);
        this.spoolBuffers = new BufferPool(SPOOL_BUFFER, served);
        this.heapTrimmer = HeapTrimmer.forScanner(scanner, ioBuffers, spoolBuffers);
        this.descriptors = config.localSocket() == null ? DescriptorPassing.NONE : DescriptorPassing.load(log);
    }

    /**
     * Binds the sockets and starts serving. Without TCPSocket and LocalSocket it listens on 127.0.0.1:3310 (clamd
     * refuses to start then).
     */
    public static ClamdServer start(ClamdConfig config, DatabaseHolder holder, Scanner scanner, DaemonLog log)
            throws IOException {
        ClamdServer s = new ClamdServer(config, holder, scanner, log);
        try {
            s.bind();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        s.reaper = Thread.ofPlatform().name("vigild-reaper").daemon(true).start(s::reap);
        for (ServerSocketChannel l : s.listeners) {
            s.acceptors.add(Thread.ofPlatform().name("vigild-accept").daemon(true).start(() -> s.accept(l)));
        }
        return s;
    }

    private void bind() throws IOException {
        int backlog = Math.max(1, config.maxConnectionQueueLength());
        int port = config.tcpSocket();
        if (port < 0 && config.localSocket() == null) {
            log.warning("Neither TCPSocket nor LocalSocket is configured: listening on 127.0.0.1:3310");
            port = 3310;
        }
        if (port >= 0) {
            List<String> addrs = config.tcpAddrs().isEmpty() ? List.of("127.0.0.1") : config.tcpAddrs();
            for (String addr : addrs) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                ch.setOption(java.net.StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(addr, port), backlog);
                listeners.add(ch);
                tcpPort = ((InetSocketAddress) ch.getLocalAddress()).getPort();
                log.info("TCP: Bound to [" + addr + "]:" + tcpPort);
            }
        }
        if (config.localSocket() != null) {
            Path p = config.localSocket();
            removeStaleSocket(p);
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(p), backlog);
            unixSocket = p;
            listeners.add(ch);
            if (config.localSocketMode() != null) {
                Files.setPosixFilePermissions(p, permissions(config.localSocketMode()));
            }
            log.info("LOCAL: Socket file " + p);
        }
    }

    /** clamd's FixStaleSocket: a socket file nobody answers on is removed; one in use is an error. */
    private void removeStaleSocket(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        boolean inUse;
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            inUse = probe.isConnected();
        } catch (IOException e) {
            inUse = false;
        }
        if (inUse) {
            throw new IOException("Socket file " + p + " is in use by another process.");
        }
        if (!config.fixStaleSocket()) {
            throw new IOException("Socket file " + p + " exists. Either remove it, or configure a different one.");
        }
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("Socket file " + p + " exists and is not a socket.");
        }
        log.info("LOCAL: Removing stale socket file " + p);
        Files.delete(p);
    }

    static Set<PosixFilePermission> permissions(String octal) {
        int mode;
        try {
            mode = Integer.parseInt(octal, 8);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LocalSocketMode " + octal + " is not an octal mode");
        }
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                s.add(order[bit]);
            }
        }
        return s;
    }

    private void accept(ServerSocketChannel listener) {
        boolean local;
        try {
            local = listener.getLocalAddress() instanceof UnixDomainSocketAddress;
        } catch (IOException e) {
            return;
        }
        while (!stopping.get()) {
            try {
                connectionSlots.acquire();
            } catch (InterruptedException e) {
                return;
            }
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (ClosedChannelException e) {
                connectionSlots.release();
                return;
            } catch (IOException e) {
                connectionSlots.release();
                if (stopping.get()) {
                    return;
                }
                log.error("accept() failed: " + e.getMessage());
                sleepQuietly(100); // e.g. out of descriptors: give closing connections a chance
                continue;
            }
            String peer = local ? "local" : peerName(ch);
            ClamdConnection c = new ClamdConnection(this, ch, peer, local);
            connections.add(c);
            stats.connections.incrementAndGet();
            try {
                Thread.ofVirtual().name("vigild-client").start(c);
            } catch (RuntimeException e) {
                closed(c);
            }
        }
    }

    private static String peerName(SocketChannel ch) {
        try {
            SocketAddress a = ch.getRemoteAddress();
            if (a instanceof InetSocketAddress i) {
                return i.getAddress().getHostAddress() + "@" + i.getPort();
            }
        } catch (IOException ignored) {
            // reported as unknown
        }
        return "unknown";
    }

    /** Called by a connection when it ends: closes its channel and frees its slot. */
    void closed(ClamdConnection c) {
        if (connections.remove(c)) {
            try {
                c.channel().close();
            } catch (IOException ignored) {
                // already gone
            }
            connectionSlots.release();
        }
    }

    private void reap() {
        while (!stopping.get()) {
            long now = System.nanoTime();
            for (ClamdConnection c : connections) {
                long rd = c.readDeadline;
                if (rd != 0 && now - rd > 0 && !c.timedOut) {
                    c.timedOut = true;
                    try {
                        c.channel().shutdownInput(); // wakes the blocked read, which then reports the timeout
                    } catch (IOException ignored) {
                        // closed meanwhile
                    }
                }
                long wd = c.writeDeadline;
                if (wd != 0 && now - wd > 0) {
                    c.writeDeadline = 0; // once
                    log.warning("Client does not read its replies within SendBufTimeout: dropped");
                    try {
                        c.channel().close();
                    } catch (IOException ignored) {
                        // closed meanwhile
                    }
                }
            }
            heapTrimmer.tick(System.nanoTime());
            sleepQuietly(REAPER_PERIOD_MS);
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SHUTDOWN: stop accepting, drop the clients, and release {@link #awaitShutdown()}. */
    public void requestShutdown() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        log.info("Shutting down");
        for (ServerSocketChannel l : listeners) {
            try {
                l.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (ClamdConnection c : connections) {
            closed(c);
        }
        if (unixSocket != null) {
            try {
                Files.deleteIfExists(unixSocket);
            } catch (IOException e) {
                log.warning("Can't remove the socket file " + unixSocket + ": " + e.getMessage());
            }
        }
        stopped.countDown();
    }

    BufferPool ioBuffers() {
        return ioBuffers;
    }

    BufferPool spoolBuffers() {
        return spoolBuffers;
    }

    /** Blocks until SHUTDOWN (or {@link #close()}). */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    public boolean awaitShutdown(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit);
    }

    @Override
    public void close() {
        requestShutdown();
        for (Thread t : acceptors) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reaper != null) {
            try {
                reaper.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The TCP port bound (useful with TCPSocket 0 in tests), or -1. */
    public int tcpPort() {
        return tcpPort;
    }

    /** Clients being served now. */
    public int openConnections() {
        return connections.size();
    }

    public DaemonStats stats() {
        return stats;
    }

    DescriptorPassing descriptors() {
        return descriptors;
    }

    /** Whether FILDES can receive descriptors on this server's Unix socket. */
    public boolean descriptorPassing() {
        return descriptors != DescriptorPassing.NONE;
    }

    ClamdConfig config() {
        return config;
    }

    DatabaseHolder holder() {
        return holder;
    }

    Scanner scanner() {
        return scanner;
    }

    DaemonLog log() {
        return log;
    }

    boolean enterMultiscan() {
        while (true) {
            int n = multiscans.get();
            if (n + 1 >= scanner.maxThreads()) {
                return false;
            }
            if (multiscans.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void leaveMultiscan() {
        multiscans.decrementAndGet();
    }

    /** VERSION's answer: {@code ClamAV <version>} plus {@code /<daily version>/<daily build time>} when known. */
    String versionString() {
        Database db = holder.current();
        if (db == null || db.dailyVersion() == 0) {
            return "ClamAV " + VERSION;
        }
        return "ClamAV " + VERSION + "/" + db.dailyVersion() + "/"
                + DaemonLog.CTIME.format(db.dailyBuildTime().atZone(ZoneId.systemDefault()));
    }

    /** STATS' answer, in clamd's layout (whose format clamd documents as unstable). */
    String statsText() {
        Runtime rt = Runtime.getRuntime();
        double usedM = (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
        double totalM = rt.totalMemory() / 1048576.0;
        int active = scanner.active();
        return String.format(java.util.Locale.ROOT, "POOLS: 1\n\nSTATE: VALID PRIMARY\n"
                        + "THREADS: live %d  idle %d max %d idle-timeout %d\nQUEUE: %d items\n\tSTATS 0.000001 \n\n"
                        + "MEMSTATS: heap N/A mmap N/A used N/A free N/A releasable N/A pools 1 pools_used %.3fM"
                        + " pools_total %.3fM\nEND",
                active + 1, 0, scanner.maxThreads(), config.idleTimeoutSeconds(),
                scanner.queued(), usedM, totalM);
    }
}
