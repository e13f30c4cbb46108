package dev.vigil.daemon;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Receiving file descriptors (SCM_RIGHTS) on a Unix socket, for FILDES. The JDK's channels cannot receive ancillary
 * data, so the working implementation ({@code FfmDescriptorPassing}) calls {@code recvmsg} through the Foreign
 * Function &amp; Memory API, final only since Java 22. The core compiles for Java 21, so that class is compiled
 * separately for 22 and loaded only on a JDK that has it; elsewhere (Java 21, not Linux, no access to the channel's
 * descriptor) {@link #NONE} keeps the behaviour of a daemon without descriptor passing.
 */
interface DescriptorPassing {
    /** The name of the Java 22 implementation, loaded reflectively so that Java 21 never sees its class file. */
    String FFM_IMPLEMENTATION = "dev.vigil.daemon.FfmDescriptorPassing";

    /** No descriptor passing: {@link #open} always answers null. */
    DescriptorPassing NONE = channel -> null;

    /** A receiver for this connected Unix socket, or null when descriptors cannot be received on it. */
    Receiver open(SocketChannel channel) throws IOException;

    /**
     * Reads from one connection with {@code recvmsg}, keeping the descriptor that arrives with the data. All reads
     * of the connection must go through it: a plain read of a byte carrying a descriptor makes the kernel close it.
     */
    interface Receiver extends AutoCloseable {
        /**
         * Reads what has arrived, without waiting, into {@code dst}; returns the number of bytes, 0 when nothing is
         * there yet, -1 at end of input. A descriptor that came with the bytes is kept for {@link #takeDescriptor()};
         * one still kept from an earlier read is closed (as clamd closes an unclaimed one).
         */
        int read(ByteBuffer dst) throws IOException;

        /** Waits until a read would not return 0, or at most {@code millis}; never pins a virtual thread's carrier. */
        void awaitReadable(long millis) throws IOException, InterruptedException;

        /** The descriptor kept from the last read (the caller now owns it), or -1. */
        int takeDescriptor();

        /** What a descriptor refers to: its file's size for a regular file, else -1. */
        long regularFileSize(int fd);

        /** Random access to a received regular file; closing the input closes the descriptor. */
        ScanInput input(int fd, long size);

        /** Closes a received descriptor. */
        void closeDescriptor(int fd);

        /** Closes a kept descriptor and this receiver's own handle on the socket (not the channel). */
        @Override
        void close();
    }

    /** The best implementation this JVM offers; logs once why descriptor passing is off when it is. */
    static DescriptorPassing load(DaemonLog log) {
        if (Runtime.version().feature() < 22) {
            log.verbose("FILDES: descriptor passing needs Java 22 or later; FILDES answers without a descriptor");
            return NONE;
        }
        try {
            Object impl = Class.forName(FFM_IMPLEMENTATION).getDeclaredConstructor().newInstance();
            return (DescriptorPassing) impl;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            log.warning("FILDES: descriptor passing unavailable (" + cause.getMessage()
                    + "); FILDES answers without a descriptor");
            return NONE;
        }
    }
}
