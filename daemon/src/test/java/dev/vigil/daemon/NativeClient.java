package dev.vigil.daemon;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * What a FILDES client does natively (open(2), pipe(2), sendmsg(2) with SCM_RIGHTS), for tests. The implementation
 * ({@code FfmNativeClient}, src/test/java22) uses the FFM API of Java 22 and is loaded only on a JDK that has it.
 */
interface NativeClient {
    int openFile(Path file) throws IOException;

    int openDirectory(Path dir) throws IOException;

    /** A pipe: read end, write end. */
    int[] pipe() throws IOException;

    /** Sends {@code data} with {@code fd} attached as SCM_RIGHTS ancillary data, in one sendmsg. */
    void sendWithDescriptor(SocketChannel channel, byte[] data, int fd) throws IOException;

    void close(int fd);

    /**
     * The client, or a skipped test when this JDK (below 22) or this vigild cannot pass descriptors; with
     * -Dvigil.requireOracles=true on a JDK 22 or later, the test fails instead.
     */
    /** The FFM client, or null below Java 22. */
    static NativeClient load() {
        if (Runtime.version().feature() < 22) {
            return null;
        }
        try {
            return (NativeClient) Class.forName("dev.vigil.daemon.FfmNativeClient").getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null;
        }
    }

    static NativeClient require(Vigild vigild) {
        boolean mustRun = Boolean.getBoolean("vigil.requireOracles") && Runtime.version().feature() >= 22;
        NativeClient c = null;
        Throwable why = null;
        if (Runtime.version().feature() >= 22) {
            try {
                c = (NativeClient) Class.forName("dev.vigil.daemon.FfmNativeClient").getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
                why = e;
            }
        }
        boolean usable = c != null && vigild.server().descriptorPassing();
        if (mustRun) {
            if (!usable) {
                throw new AssertionError("FILDES descriptor passing must work on Java "
                        + Runtime.version().feature(), why);
            }
        } else {
            Assumptions.assumeTrue(usable, "descriptor passing needs Java 22 or later");
        }
        return c;
    }
}
