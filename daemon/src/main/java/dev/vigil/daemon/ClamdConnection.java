package dev.vigil.daemon;

import dev.vigil.engine.ScanResult;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One client of the clamd protocol, served on its own (virtual) thread, with clamd 1.4's framing and replies.
 *
 * <p>Framing: {@code zCMD\0} and {@code nCMD\n} commands, answered with the same terminator; without a prefix the
 * first packet is one command (up to a newline) and the answer ends in {@code \n}. A command that is not complete
 * within {@value #COMMAND_BUFFER} bytes ends the connection without a reply, as clamd's fixed buffer does. Outside
 * IDSESSION the connection closes after one command; inside it, replies carry the command's number
 * ({@code "N: ..."}) and END closes it.
 *
 * <p>Timeouts, clamd's: the first command must be complete within CommandReadTimeout of the connection, later ones
 * within ReadTimeout of the previous command, and INSTREAM data must keep arriving within ReadTimeout of the last
 * read; a timed-out client gets {@code COMMAND READ TIMED OUT\n} and is dropped. A reply the client does not take
 * within SendBufTimeout drops it too. The {@link ClamdServer}'s reaper enforces both deadlines.
 */
final class ClamdConnection implements Runnable, PathScan.Replies {
    /** clamd's command buffer: PATH_MAX + 8. */
    static final int COMMAND_BUFFER = 4096 + 8;
    static final int IO_BUFFER = 64 * 1024;
    private static final int YIELDS_BEFORE_WAIT = 3;

    private final ClamdServer server;
    private final SocketChannel channel;
    private final String peer;
    private final boolean local;
    /** On a Unix socket with descriptor passing: every read goes through it (see {@link #fildes()}). */
    private DescriptorPassing.Receiver descriptors;
    /** Taken from the server's pool of 64 KiB buffers and given back when the connection ends. */
    private final ByteBuffer in;

    /** While blocked in a read: when the read must have returned (System.nanoTime), else 0. */
    volatile long readDeadline;
    /** While blocked in a write: when it must have finished, else 0. */
    volatile long writeDeadline;
    volatile boolean timedOut;

    private long commandDeadline;
    private boolean session;
    private int id;
    private byte term = '\n';
    private boolean eof;
    /** Whether the buffer start came with the latest read: clamd only takes an unprefixed command from a new packet. */
    private boolean freshPacket;

    ClamdConnection(ClamdServer server, SocketChannel channel, String peer, boolean local) {
        this.server = server;
        this.channel = channel;
        this.peer = peer;
        this.local = local;
        this.in = ByteBuffer.wrap(server.ioBuffers().take());
        in.flip(); // empty, ready for reading out
    }

    SocketChannel channel() {
        return channel;
    }

    @Override
    public void run() {
        try {
            commandDeadline = System.nanoTime() + seconds(server.config().commandReadTimeoutSeconds());
            if (local) {
                descriptors = server.descriptors().open(channel);
            }
            while (true) {
                Command c = nextCommand();
                if (c == null) {
                    break;
                }
                if (!execute(c)) {
                    break;
                }
                // counted from the end of the command, not its arrival: a long scan must not eat the next deadline
                commandDeadline = System.nanoTime() + seconds(server.config().readTimeoutSeconds());
                id++;
            }
        } catch (TimedOut t) {
            server.log().warning("Client " + peer + ": command read timed out, dropped");
            try {
                writeRaw("COMMAND READ TIMED OUT\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException ignored) {
                // the client is gone as well
            }
        } catch (IOException e) {
            server.log().verbose("Client " + peer + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            server.log().error("Client " + peer + ": internal error: " + e);
        } finally {
            if (descriptors != null) {
                descriptors.close(); // and any descriptor nobody claimed
            }
            server.ioBuffers().give(in.array());
            server.closed(this);
        }
    }

    private static long seconds(int s) {
        return s <= 0 ? Long.MAX_VALUE / 4 : s * 1_000_000_000L;
    }

    /** A command as received: its text (without prefix and terminator) and whether it came without a prefix. */
    private record Command(String text, boolean oldStyle, byte term) {
    }

    /** The next complete command, or null when the connection should end without a reply. */
    private Command nextCommand() throws IOException {
        while (true) {
            if (in.hasRemaining()) {
                int start = in.position();
                byte first = in.get(start);
                if (first == 'z' || first == 'n') {
                    byte t = first == 'z' ? (byte) 0 : (byte) '\n';
                    int end = indexOf(t, start + 1);
                    if (end >= 0) {
                        String text = text(start + 1, end);
                        in.position(end + 1);
                        if (t == '\n') {
                            text = chomp(text);
                        }
                        freshPacket = false;
                        return new Command(text, false, t);
                    }
                    if (in.remaining() >= COMMAND_BUFFER) {
                        server.log().warning("Client " + peer + ": command longer than " + COMMAND_BUFFER
                                + " bytes, dropped");
                        return null;
                    }
                } else if (freshPacket) {
                    // no prefix: the whole packet is one command, up to its first newline
                    int nl = indexOf((byte) '\n', start);
                    int end = nl >= 0 ? nl : in.limit();
                    String text = chomp(text(start, end));
                    in.position(nl >= 0 ? nl + 1 : end);
                    freshPacket = false;
                    return new Command(text, true, (byte) '\n');
                }
            }
            if (descriptors != null) {
                int unclaimed = descriptors.takeDescriptor();
                if (unclaimed >= 0) {
                    // clamd: a descriptor that came with commands none of which was FILDES ends the connection
                    descriptors.closeDescriptor(unclaimed);
                    server.log().warning("Client " + peer + ": ancillary data sent without FILDES");
                    replyError("PROTOCOL ERROR: ancillary data sent without FILDES.");
                    return null;
                }
            }
            if (eof) {
                return null;
            }
            if (!fill(commandDeadline)) {
                eof = true;
                return null;
            }
        }
    }

    private int indexOf(byte b, int from) {
        for (int i = from; i < in.limit(); i++) {
            if (in.get(i) == b) {
                return i;
            }
        }
        return -1;
    }

    /** The bytes as text, cut at a NUL as C string handling cuts them. */
    private String text(int from, int to) {
        int end = from;
        while (end < to && in.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - from];
        in.get(from, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String chomp(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * Reads more data, waiting at most until {@code deadline}. Returns false at end of input.
     *
     * @throws TimedOut when the deadline passed
     */
    private boolean fill(long deadline) throws IOException {
        in.compact();
        try {
            if (!in.hasRemaining()) {
                return true; // full buffer: the caller decides
            }
            if (descriptors != null) {
                return fillWithDescriptors(deadline);
            }
            readDeadline = deadline;
            if (System.nanoTime() - deadline > 0) {
                throw new TimedOut();
            }
            int n;
            try {
                n = channel.read(in);
                freshPacket = true;
            } finally {
                readDeadline = 0;
            }
            if (timedOut) {
                throw new TimedOut();
            }
            return n >= 0;
        } finally {
            in.flip();
        }
    }

    /** {@link #fill} through recvmsg, which keeps a descriptor that comes with the bytes. */
    private boolean fillWithDescriptors(long deadline) throws IOException {
        int retries = 0;
        while (true) {
            int n = descriptors.read(in);
            if (timedOut) {
                throw new TimedOut();
            }
            if (n != 0) {
                freshPacket = n > 0;
                return n > 0;
            }
            if (retries++ < YIELDS_BEFORE_WAIT) {
                // the rest of a stream usually follows within microseconds: cheaper than handing the wait off
                Thread.yield();
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                timedOut = true;
                throw new TimedOut();
            }
            readDeadline = deadline; // the reaper's shutdownInput wakes the wait as it wakes a read
            try {
                descriptors.awaitReadable(left / 1_000_000 + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            } finally {
                readDeadline = 0;
            }
        }
    }

    /** Runs one command; returns whether the connection stays open for another. */
    private boolean execute(Command c) throws IOException, InterruptedException {
        if (session && c.oldStyle()) {
            replyError("Only nCMDS\\n and zCMDS\\0 are accepted inside IDSESSION.");
            return false;
        }
        term = c.term();
        ClamdCommand.Parsed p = ClamdCommand.parse(c.text(), c.oldStyle());
        ClamdCommand cmd = p.command();
        server.log().verbose("Client " + peer + ": command " + cmd + (p.argument() == null ? "" : " " + p.argument()));
        if (session && !cmd.allowedInSession()) {
            replyError("Command invalid inside IDSESSION.");
            return false;
        }
        server.stats().commands.incrementAndGet();
        switch (cmd) {
            case SHUTDOWN, QUIT -> {
                server.requestShutdown();
                return false;
            }
            case RELOAD -> {
                sendLine("RELOADING");
                server.holder().reloadInBackground();
                return false;
            }
            case PING -> {
                sendLine("PONG");
                return session;
            }
            case VERSION -> {
                sendLine(server.versionString());
                return session;
            }
            case VERSIONCOMMANDS -> {
                sendLine(server.versionString() + "| COMMANDS:" + ClamdCommand.LIST);
                return session;
            }
            case DETSTATS, DETSTATSCLEAR -> {
                return false; // removed features: accepted, no answer
            }
            case STATS -> {
                sendLine(server.statsText());
                return session;
            }
            case IDSESSION -> {
                session = true;
                return true;
            }
            case END -> {
                if (!session) {
                    sendLine("UNKNOWN COMMAND");
                }
                return false;
            }
            case FILDES -> {
                return fildes() && session;
            }
            case INSTREAM -> {
                return instream() && session;
            }
            case SCAN, CONTSCAN, MULTISCAN, ALLMATCHSCAN -> {
                pathScan(cmd, p.argument());
                return session;
            }
            default -> {
                sendLine("UNKNOWN COMMAND");
                return false;
            }
        }
    }

    /**
     * FILDES: clamd takes one more byte, which carries the descriptor as SCM_RIGHTS ancillary data, and scans the
     * descriptor that came with the latest read; the reply names it {@code fd[N]}, N being the daemon's number for
     * it. Without descriptor passing ({@link DescriptorPassing#NONE}, or TCP) the byte is consumed (the kernel
     * closes a descriptor that came with it) and the answer is clamd's for a missing descriptor. Returns false when
     * the connection must end.
     */
    private boolean fildes() throws IOException, InterruptedException {
        if (!in.hasRemaining() && descriptors != null) {
            int early = descriptors.takeDescriptor();
            if (early >= 0) {
                // clamd: the descriptor came with the command itself, before the byte meant to carry it
                descriptors.closeDescriptor(early);
                server.log().warning("Client " + peer + ": ancillary data sent without FILDES");
                replyError("PROTOCOL ERROR: ancillary data sent without FILDES.");
                replyError("Error processing command.");
                return false;
            }
        }
        if (!in.hasRemaining() && !eof && !fill(commandDeadline)) {
            eof = true;
        }
        if (!in.hasRemaining()) {
            return false; // the client left before the byte that carries the descriptor: clamd says nothing
        }
        in.get();
        int fd = descriptors == null ? -1 : descriptors.takeDescriptor();
        if (fd < 0) {
            replyError("No file descriptor received.");
            return false;
        }
        String name = "fd[" + fd + "]";
        long size = descriptors.regularFileSize(fd);
        if (size < 0) {
            descriptors.closeDescriptor(fd);
            server.log().info(name + ": Not a regular file. ERROR");
            reply(name, "Not a regular file", "ERROR");
            return true;
        }
        String logName = fileName(fd, name);
        ScanResult r;
        try (ScanInput input = descriptors.input(fd, size)) {
            server.stats().bytesScanned.addAndGet(size);
            r = server.scanner().scan(server.holder().current(), input, false);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            server.log().error(logName + ": " + e);
            reply(name, "Can't read file", "ERROR");
            return true;
        }
        List<String> names = PathScan.detectionNames(r, server.config().alertExceedsMax(), false);
        if (names.isEmpty()) {
            single(name, "OK");
            if (server.config().logClean()) {
                server.log().info(logName + ": OK");
            }
        } else {
            // as clamd: the reply names the descriptor, the log the file behind it
            server.stats().found(names.get(0));
            server.log().info(logName + ": " + names.get(0) + " FOUND");
            sendLine(name + ": " + names.get(0) + " FOUND");
        }
        return true;
    }

    /** The path of a received descriptor's file, for the log (read before the scan closes the descriptor). */
    private static String fileName(int fd, String fallback) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return fallback;
        }
    }

    /** INSTREAM: returns false when the connection must end (limit exceeded, client gone). */
    private boolean instream() throws IOException, InterruptedException {
        long limit = server.config().streamMaxLength();
        long quota = limit <= 0 ? Long.MAX_VALUE : limit;
        long readTimeout = seconds(server.config().readTimeoutSeconds());
        try (StreamSpool spool = new StreamSpool(server.config().temporaryDirectory(), server.spoolBuffers())) {
            while (true) {
                if (!need(4, readTimeout)) {
                    return false;
                }
                long length = in.getInt() & 0xFFFF_FFFFL;
                if (length == 0) {
                    break;
                }
                if (length > quota) {
                    server.log().warning("INSTREAM: Size limit reached, (requested: " + length + ", max: "
                            + quota + ")");
                    replyError("INSTREAM size limit exceeded.");
                    return false;
                }
                quota -= length;
                while (length > 0) {
                    if (!in.hasRemaining() && !need(1, readTimeout)) {
                        return false;
                    }
                    int n = (int) Math.min(length, in.remaining());
                    ByteBuffer slice = in.slice(in.position(), n);
                    spool.write(slice);
                    in.position(in.position() + n);
                    length -= n;
                }
            }
            server.stats().bytesScanned.addAndGet(spool.size());
            Database db = server.holder().current();
            ScanResult r;
            try {
                r = server.scanner().scan(db, spool.input(), false);
            } catch (IOException | RuntimeException | StackOverflowError e) {
                server.log().error("instream(" + peer + "): " + e);
                reply("stream", "Can't read file", "ERROR");
                return true;
            }
            List<String> names = PathScan.detectionNames(r, server.config().alertExceedsMax(), false);
            if (names.isEmpty()) {
                single("stream", "OK");
                if (server.config().logClean()) {
                    server.log().info("instream(" + peer + "): OK");
                }
            } else {
                virus("stream", names.get(0));
            }
            return true;
        }
    }

    /** Waits until {@code n} bytes are buffered, each read within {@code timeout}; false at end of input. */
    private boolean need(int n, long timeout) throws IOException {
        while (in.remaining() < n) {
            if (eof || !fill(System.nanoTime() + timeout)) {
                eof = true;
                return false;
            }
        }
        return true;
    }

    private void pathScan(ClamdCommand cmd, String argument) throws IOException, InterruptedException {
        if (cmd == ClamdCommand.ALLMATCHSCAN && !server.config().allowAllMatchScan()) {
            reply(argument, "ALLMATCHSCAN command disabled by clamd configuration.", "ERROR");
            return;
        }
        boolean multi = cmd == ClamdCommand.MULTISCAN && Files.isDirectory(Path.of(argument));
        if (multi && !server.enterMultiscan()) {
            server.log().warning("Not enough threads for multiscan. Max: " + server.scanner().maxThreads());
            reply(argument, "Not enough threads for multiscan. Increase MaxThreads.", "ERROR");
            return;
        }
        PathScan.Mode mode = switch (cmd) {
            case SCAN -> PathScan.Mode.SCAN;
            case CONTSCAN -> PathScan.Mode.CONTSCAN;
            case MULTISCAN -> PathScan.Mode.MULTISCAN;
            default -> PathScan.Mode.ALLMATCH;
        };
        try {
            new PathScan(this, server.scanner(), server.holder().current(), server.config(), server.log(), mode)
                    .run(argument);
        } finally {
            if (multi) {
                server.leaveMultiscan();
            }
        }
    }

    // Replies, in clamd's four shapes; inside a session each starts with the command's number.

    @Override
    public void virus(String path, String name) throws IOException {
        server.stats().found(name);
        server.log().info((path.equals("stream") ? "instream(" + peer + ")" : path) + ": " + name + " FOUND");
        sendLine(path + ": " + name + " FOUND");
    }

    @Override
    public void single(String path, String status) throws IOException {
        sendLine(path == null ? status : path + ": " + status);
    }

    @Override
    public void reply(String path, String message, String status) throws IOException {
        sendLine(path == null ? message + " " + status : path + ": " + message + " " + status);
    }

    private void replyError(String message) throws IOException {
        reply(null, message, "ERROR");
    }

    private void sendLine(String line) throws IOException {
        String prefixed = session ? id + ": " + line : line;
        byte[] text = prefixed.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[text.length + 1];
        System.arraycopy(text, 0, all, 0, text.length);
        all[text.length] = term;
        writeRaw(all);
    }

    private synchronized void writeRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int sendTimeout = server.config().sendBufTimeoutMillis();
        writeDeadline = System.nanoTime() + (sendTimeout <= 0 ? Long.MAX_VALUE / 4 : sendTimeout * 1_000_000L);
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } finally {
            writeDeadline = 0;
        }
    }

    /** Thrown when a read deadline passed. */
    private static final class TimedOut extends IOException {
        TimedOut() {
            super(null, null);
        }
    }
}
