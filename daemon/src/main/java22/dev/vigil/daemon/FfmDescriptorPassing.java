package dev.vigil.daemon;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@link DescriptorPassing} through {@code recvmsg(2)} called with the Foreign Function &amp; Memory API (Java 22),
 * on Linux (x86-64 and AArch64, whose {@code struct msghdr} layouts are the same). Compiled with release 22 and
 * loaded reflectively by {@link DescriptorPassing#load}. Needs native access ({@code --enable-native-access} or the
 * jar's {@code Enable-Native-Access} entry) and {@code sun.nio.ch} exported, to learn a channel's descriptor.
 */
final class FfmDescriptorPassing implements DescriptorPassing {
    private static final int SOL_SOCKET = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int SEEK_END = 2;
    private static final short POLLIN = 1;
    // struct msghdr and struct cmsghdr on 64-bit Linux
    private static final long MSGHDR_SIZE = 56;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;
    private static final long MSG_CONTROL = 32;
    private static final long MSG_CONTROLLEN = 40;
    private static final long MSG_FLAGS = 48;
    private static final long CMSG_HEADER = 16;
    /** CMSG_SPACE for up to 4 descriptors: a client may send several; all but the first are closed. */
    private static final long CONTROL_SIZE = CMSG_HEADER + 16;
    private static final int MAX_IO = 64 * 1024;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final long ERRNO_SIZE = Linker.Option.captureStateLayout().byteSize();
    private static final VarHandle ERRNO_HANDLE = Linker.Option.captureStateLayout()
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ExecutorService WAITERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "vigild-fd-wait");
        t.setDaemon(true);
        return t;
    });

    private final MethodHandle recvmsg;
    private final MethodHandle poll;
    private final MethodHandle close;
    private final MethodHandle fcntl;
    private final MethodHandle pread;
    private final MethodHandle lseek;
    private final Method fdOf;

    FfmDescriptorPassing() throws ReflectiveOperationException {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("aarch64"))) {
            throw new UnsupportedOperationException("implemented for Linux on x86-64 and AArch64 only");
        }
        if (!FfmDescriptorPassing.class.getModule().isNativeAccessEnabled()) {
            throw new UnsupportedOperationException("needs --enable-native-access=ALL-UNNAMED");
        }
        Module base = Object.class.getModule();
        if (!base.isExported("sun.nio.ch", FfmDescriptorPassing.class.getModule())) {
            throw new UnsupportedOperationException("needs --add-exports java.base/sun.nio.ch=ALL-UNNAMED");
        }
        fdOf = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal");
        ValueLayout.OfInt i = ValueLayout.JAVA_INT;
        ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
        ValueLayout p = ValueLayout.ADDRESS;
        recvmsg = handle("recvmsg", FunctionDescriptor.of(l, i, p, i), ERRNO);
        poll = handle("poll", FunctionDescriptor.of(i, p, l, i), ERRNO);
        close = handle("close", FunctionDescriptor.of(i, i));
        fcntl = handle("fcntl", FunctionDescriptor.of(i, i, i, i), Linker.Option.firstVariadicArg(2));
        pread = handle("pread", FunctionDescriptor.of(l, i, p, l, l), ERRNO);
        lseek = handle("lseek", FunctionDescriptor.of(l, i, l, i));
    }

    private static MethodHandle handle(String name, FunctionDescriptor d, Linker.Option... options) {
        MemorySegment f = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("no " + name + " in the C library"));
        return LINKER.downcallHandle(f, d, options);
    }

    @Override
    public Receiver open(SocketChannel channel) throws IOException {
        int fd;
        try {
            fd = (int) fdOf.invoke(channel);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
        // a handle of our own: if another thread closes the channel, its number cannot be reused under us
        int own = (int) call(() -> (int) fcntl.invokeExact(fd, F_DUPFD_CLOEXEC, 0));
        if (own < 0) {
            throw new IOException("fcntl(F_DUPFD_CLOEXEC) failed");
        }
        return new FfmReceiver(channel, own);
    }

    private interface NativeCall {
        long call() throws Throwable;
    }

    private static long call(NativeCall c) {
        try {
            return c.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private final class FfmReceiver implements Receiver {
        private final SocketChannel channel;
        private final int socket;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment msg = arena.allocate(MSGHDR_SIZE, 8);
        private final MemorySegment iov = arena.allocate(16, 8);
        private final MemorySegment control = arena.allocate(CONTROL_SIZE, 8);
        private final MemorySegment data = arena.allocate(MAX_IO, 8);
        private final MemorySegment errno = arena.allocate(ERRNO_SIZE, 8);
        private int kept = -1;
        private boolean closed;

        FfmReceiver(SocketChannel channel, int socket) {
            this.channel = channel;
            this.socket = socket;
        }

        @Override
        public synchronized int read(ByteBuffer dst) throws IOException {
            if (closed) {
                throw new ClosedChannelException();
            }
            int want = Math.min(dst.remaining(), MAX_IO);
            if (want == 0) {
                return 0;
            }
            while (true) {
                msg.fill((byte) 0);
                control.fill((byte) 0);
                iov.set(ValueLayout.ADDRESS, 0, data);
                iov.set(ValueLayout.JAVA_LONG, 8, want);
                msg.set(ValueLayout.ADDRESS, MSG_IOV, iov);
                msg.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
                msg.set(ValueLayout.ADDRESS, MSG_CONTROL, control);
                msg.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, CONTROL_SIZE);
                long n = call(() -> (long) recvmsg.invokeExact(errno, socket, msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC));
                if (n < 0) {
                    int e = (int) ERRNO_HANDLE.get(errno, 0L);
                    if (e == EINTR) {
                        continue;
                    }
                    if (e == EAGAIN) {
                        return 0;
                    }
                    throw new IOException("recvmsg failed: errno " + e);
                }
                takeControl();
                if (n == 0) {
                    return -1;
                }
                dst.put(data.asSlice(0, n).asByteBuffer());
                return (int) n;
            }
        }

        /** Keeps the first descriptor that arrived and closes any other (and any still kept). */
        private void takeControl() {
            long length = msg.get(ValueLayout.JAVA_LONG, MSG_CONTROLLEN);
            if (length < CMSG_HEADER) {
                return;
            }
            long cmsgLen = control.get(ValueLayout.JAVA_LONG, 0);
            int level = control.get(ValueLayout.JAVA_INT, 8);
            int type = control.get(ValueLayout.JAVA_INT, 12);
            if (level != SOL_SOCKET || type != SCM_RIGHTS || cmsgLen < CMSG_HEADER + 4) {
                return;
            }
            int count = (int) Math.min((cmsgLen - CMSG_HEADER) / 4, (CONTROL_SIZE - CMSG_HEADER) / 4);
            for (int k = 0; k < count; k++) {
                int fd = control.get(ValueLayout.JAVA_INT, CMSG_HEADER + 4L * k);
                if (k == 0) {
                    closeDescriptor(kept);
                    kept = fd;
                } else {
                    closeDescriptor(fd);
                }
            }
        }

        @Override
        public void awaitReadable(long millis) throws IOException, InterruptedException {
            int timeout = (int) Math.max(0, Math.min(millis, 1000));
            if (!Thread.currentThread().isVirtual()) {
                pollOnce(timeout);
                return;
            }
            // a native call pins a virtual thread's carrier: wait on a platform thread, parked meanwhile
            Future<?> f = WAITERS.submit(() -> {
                pollOnce(timeout);
                return null;
            });
            try {
                f.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                f.cancel(true);
                throw e;
            }
            if (!channel.isOpen()) {
                throw new ClosedChannelException();
            }
        }

        private void pollOnce(int timeout) throws IOException {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment pfd = a.allocate(8, 4);
                MemorySegment err = a.allocate(ERRNO_SIZE, 8);
                pfd.set(ValueLayout.JAVA_INT, 0, socket);
                pfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
                int r = (int) call(() -> (int) poll.invokeExact(err, pfd, 1L, timeout));
                if (r < 0 && (int) ERRNO_HANDLE.get(err, 0L) != EINTR) {
                    throw new IOException("poll failed: errno " + (int) ERRNO_HANDLE.get(err, 0L));
                }
            }
        }

        @Override
        public synchronized int takeDescriptor() {
            int fd = kept;
            kept = -1;
            return fd;
        }

        @Override
        public long regularFileSize(int fd) {
            try {
                // the magic link resolves to the descriptor's own inode, whatever its path or permissions
                BasicFileAttributes a = Files.readAttributes(Path.of("/proc/self/fd/" + fd),
                        BasicFileAttributes.class);
                if (!a.isRegularFile()) {
                    return -1;
                }
                long size = call(() -> (long) lseek.invokeExact(fd, 0L, SEEK_END));
                return size < 0 ? -1 : size;
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public ScanInput input(int fd, long size) {
            return new DescriptorInput(fd, size);
        }

        @Override
        public void closeDescriptor(int fd) {
            if (fd >= 0) {
                call(() -> (int) close.invokeExact(fd));
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            closeDescriptor(kept);
            kept = -1;
            closeDescriptor(socket);
            arena.close();
        }
    }

    /** A received regular file read with {@code pread}, so that the file offset the client shares is untouched. */
    private final class DescriptorInput implements ScanInput {
        private final int fd;
        private final long size;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment buffer = arena.allocate(MAX_IO, 8);
        private final MemorySegment errno = arena.allocate(ERRNO_SIZE, 8);
        private boolean closed;

        DescriptorInput(int fd, long size) {
            this.fd = fd;
            this.size = size;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public synchronized int read(long position, byte[] dst, int offset, int length) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            int done = 0;
            while (done < length && position + done < size) {
                int want = (int) Math.min(Math.min(length - done, MAX_IO), size - position - done);
                long at = position + done;
                long n = call(() -> (long) pread.invokeExact(errno, fd, buffer, (long) want, at));
                if (n < 0) {
                    if ((int) ERRNO_HANDLE.get(errno, 0L) == EINTR) {
                        continue;
                    }
                    throw new IOException("pread failed: errno " + (int) ERRNO_HANDLE.get(errno, 0L));
                }
                if (n == 0) {
                    break; // the file shrank meanwhile
                }
                MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, dst, offset + done, (int) n);
                done += (int) n;
            }
            return done;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                call(() -> (int) close.invokeExact(fd));
                arena.close();
            }
        }
    }
}
