package dev.vigil.daemon;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A FILDES conversation sent the same way to clamd and to vigild: steps of bytes, some carrying a descriptor
 * (SCM_RIGHTS) of a file, a directory or a pipe, with a pause between steps so that each step is its own read.
 */
record FdConversation(String name, List<Step> steps, boolean unordered) {
    /** What a step's descriptor refers to. */
    enum Kind { NONE, FILE, DIRECTORY, PIPE, SHUTDOWN_OUTPUT }

    record Step(byte[] data, Kind kind, String file) {
    }

    static Step send(String text) {
        return new Step(Fixtures.ascii(text), Kind.NONE, null);
    }

    static Step withFile(String text, String file) {
        return new Step(Fixtures.ascii(text), Kind.FILE, file);
    }

    static Step withDirectory(String text, String dir) {
        return new Step(Fixtures.ascii(text), Kind.DIRECTORY, dir);
    }

    static Step withPipe(String text) {
        return new Step(Fixtures.ascii(text), Kind.PIPE, null);
    }

    static Step shutdownOutput() {
        return new Step(new byte[0], Kind.SHUTDOWN_OUTPUT, null);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Runs the conversation and returns everything the daemon answered until it closed (or the timeout). */
    byte[] run(NativeClient client, SocketAddress address, Path files, Duration timeout)
            throws IOException, InterruptedException {
        try (SocketChannel ch = Fixtures.open(address)) {
            for (int i = 0; i < steps.size(); i++) {
                if (i > 0) {
                    Thread.sleep(30);
                }
                Step s = steps.get(i);
                try {
                    sendStep(client, ch, files, s);
                } catch (IOException closedByDaemon) {
                    break; // the daemon ended the conversation: what it said is the answer
                }
            }
            return Fixtures.readToEnd(ch, timeout);
        }
    }

    private static void sendStep(NativeClient client, SocketChannel ch, Path files, Step s) throws IOException {
        switch (s.kind()) {
            case NONE -> ch.write(ByteBuffer.wrap(s.data()));
            case SHUTDOWN_OUTPUT -> ch.shutdownOutput();
            case FILE, DIRECTORY -> {
                Path p = files.resolve(s.file());
                int fd = s.kind() == Kind.FILE ? client.openFile(p) : client.openDirectory(p);
                try {
                    client.sendWithDescriptor(ch, s.data(), fd);
                } finally {
                    client.close(fd);
                }
            }
            case PIPE -> {
                int[] pipe = client.pipe();
                try {
                    client.sendWithDescriptor(ch, s.data(), pipe[0]);
                } finally {
                    client.close(pipe[0]);
                    client.close(pipe[1]);
                }
            }
        }
    }
}
