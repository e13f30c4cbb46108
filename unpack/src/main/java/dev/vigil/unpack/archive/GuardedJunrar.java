package dev.vigil.unpack.archive;

import com.github.junrar.Archive;
import com.github.junrar.ArchiveOptions;
import com.github.junrar.exception.RarException;
import com.github.junrar.io.SeekableReadOnlyByteChannel;
import com.github.junrar.rarfile.FileHeader;
import com.github.junrar.volume.Volume;
import com.github.junrar.volume.VolumeManager;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Inputs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * junrar (RAR 1.5-4.x and RAR5 decompression) on a short leash, shared by {@link Rar4Extractor} and
 * {@link Rar5Reader}:
 * <ul>
 *   <li>junrar sees the input only up to {@code end}, which the caller's own block walk chose (after at most
 *       MaxFiles file blocks, before any block it found malformed), so the header list junrar builds stays small
 *       and its header parser never meets what Vigil's walk refused;</li>
 *   <li>its dictionary and PPMd model memory are capped at {@value #MAX_DICTIONARY} bytes (junrar's own
 *       {@code maxDictionarySize}): a RAR 4 window is 4 MiB, RAR5 windows are what the header declares (grown by
 *       junrar as data is written), PPMd models declare up to 256 MiB;</li>
 *   <li>each entry is decompressed on a worker thread into a small bounded hand-off; every read of the archive and
 *       every write of output checks a cancel flag and a deadline (MaxScanTime from the opening of the archive), so
 *       a decoder that loops or produces without end is stopped the next time it touches input or output;</li>
 *   <li>junrar's exceptions (and errors) become per-entry errors of the scan.</li>
 * </ul>
 */
final class GuardedJunrar implements AutoCloseable {
    static final long MAX_DICTIONARY = 64L << 20;
    private static final int CHUNK = 64 << 10;
    private static final int FIRST_CHUNK = 1 << 10;
    /** How long a worker that was told to stop may take to notice before the archive is abandoned. */
    private static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Archive archive;
    private final Guard guard;

    private GuardedJunrar(Archive archive, Guard guard) {
        this.archive = archive;
        this.guard = guard;
    }

    /** Opens the first {@code end} bytes of {@code input} as a one-volume archive; junrar reads its headers here. */
    static GuardedJunrar open(ScanInput input, long end, Duration maxScanTime) throws IOException {
        long deadline = maxScanTime == null || maxScanTime.isZero() || maxScanTime.isNegative() ? 0
                : System.nanoTime() + maxScanTime.toNanos();
        Guard guard = new Guard(deadline);
        try {
            Archive archive = new Archive(new SingleVolume(new GuardedChannel(input, end, guard), end),
                    ArchiveOptions.builder().maxDictionarySize(MAX_DICTIONARY).build());
            return new GuardedJunrar(archive, guard);
        } catch (RarException | RuntimeException e) {
            throw new IOException(describe(e), e);
        }
    }

    List<FileHeader> fileHeaders() {
        return archive.getFileHeaders();
    }

    /** The RAR 1.5-4.x main header's solid flag; false for RAR5, whose solid flag is on each entry. */
    boolean solidArchive() {
        return archive.getMainHeader() != null && archive.getMainHeader().isSolid();
    }

    boolean expired() {
        return guard.expired();
    }

    @Override
    public void close() throws IOException {
        archive.close();
    }

    enum Outcome { DONE, BROKEN, STOP }

    /**
     * Decodes one entry on a worker thread and hands it to the sink as a child of type {@code type}. When later
     * entries continue this one's dictionary ({@code solid}), an entry the sink stopped reading early is still decoded
     * to its end, unread.
     */
    Outcome extract(FileHeader h, String name, String type, ChildSink sink, boolean solid) throws IOException {
        guard.cancelled = false;
        Pipe pipe = new Pipe(guard);
        Thread worker = Thread.ofPlatform().daemon().name("vigil-unrar").unstarted(() -> {
            OutputStream out = pipe.producer();
            try {
                archive.extractFile(h, out);
                out.close(); // the end marker, only after a complete extraction
            } catch (Throwable e) {
                // Everything junrar throws, errors included, goes to the consumer as this entry's failure.
                pipe.fail(e);
            }
        });
        worker.start();
        boolean goOn;
        try {
            goOn = sink.child(new Child(name, type, h.getFullUnpackSize()), Inputs.untilError(pipe, sink, name));
            if (goOn && solid && !pipe.finished()) {
                // The sink stopped reading early (a cut at MaxFileSize): the rest of the entry is still decoded,
                // unread, because the solid entries after it continue its dictionary.
                pipe.drain();
            }
        } finally {
            pipe.cancel();
        }
        if (!join(worker)) {
            sink.error(name + ": RAR decoder did not stop; rest of the archive abandoned");
            return Outcome.STOP;
        }
        if (guard.expired()) {
            sink.limitExceeded("MaxScanTime", "RAR extraction of " + name + " stopped at the deadline");
            return Outcome.STOP;
        }
        if (!goOn) {
            return Outcome.STOP;
        }
        return pipe.failure() == null && pipe.finished() ? Outcome.DONE : Outcome.BROKEN;
    }

    private static boolean join(Thread worker) {
        try {
            return worker.join(Duration.ofNanos(STOP_GRACE_NANOS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        Throwable c = e.getCause();
        String s = e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return c != null && c != e ? s + " (" + c.getClass().getSimpleName() + ")" : s;
    }

    /**
     * Cancellation shared by the consumer, the worker's output and its reads of the archive; reset before each
     * entry, once the previous worker has ended.
     */
    private static final class Guard {
        private final long deadline;
        private volatile boolean cancelled;

        Guard(long deadline) {
            this.deadline = deadline;
        }

        boolean expired() {
            return deadline != 0 && System.nanoTime() - deadline > 0;
        }

        void check() throws Stopped {
            if (cancelled || expired()) {
                throw new Stopped(expired() ? "RAR extraction reached MaxScanTime" : "RAR extraction cancelled");
            }
        }
    }

    /** Thrown into junrar to stop it; an IOException so that it travels junrar's normal failure paths. */
    private static final class Stopped extends IOException {
        Stopped(String message) {
            super(message);
        }
    }

    /**
     * A bounded hand-off from the worker (an OutputStream junrar writes to) to the sink (an InputStream): at most
     * four chunks of {@value #CHUNK} bytes wait, so memory does not depend on the entry.
     */
    private static final class Pipe extends InputStream {
        private static final byte[] END = new byte[0];
        private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(4);
        private final Guard entryGuard;
        private volatile Throwable failure;
        /** The end marker was taken: nothing more will come. */
        private boolean ended;
        /** ... and the extraction was complete. */
        private boolean finished;
        private byte[] current = new byte[0];
        private int offset;

        Pipe(Guard archiveGuard) {
            this.entryGuard = archiveGuard;
        }

        OutputStream producer() {
            return new OutputStream() {
                // Starts small and doubles up to CHUNK: archives of thousands of tiny entries must not cost a
                // full chunk each.
                private byte[] buf = new byte[FIRST_CHUNK];
                private int n;

                @Override
                public void write(int b) throws IOException {
                    check();
                    if (n == buf.length) {
                        flushChunk();
                    }
                    buf[n++] = (byte) b;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    check();
                    while (len > 0) {
                        if (n == buf.length) {
                            flushChunk();
                        }
                        int k = Math.min(len, buf.length - n);
                        System.arraycopy(b, off, buf, n, k);
                        n += k;
                        off += k;
                        len -= k;
                    }
                }

                @Override
                public void close() throws IOException {
                    if (n > 0) {
                        flushChunk();
                    }
                    put(END);
                }

                private void flushChunk() throws IOException {
                    int next = n == buf.length ? Math.min(CHUNK, buf.length * 2) : buf.length;
                    put(n == buf.length ? buf : java.util.Arrays.copyOf(buf, n));
                    buf = new byte[next];
                    n = 0;
                }
            };
        }

        private void check() throws IOException {
            entryGuard.check();
        }

        private void put(byte[] chunk) throws IOException {
            try {
                while (!chunks.offer(chunk, 50, TimeUnit.MILLISECONDS)) {
                    check();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped("interrupted");
            }
        }

        void fail(Throwable e) {
            failure = e;
            try {
                // The consumer may still be reading the chunks before it: wait for room, unless told to stop.
                while (!chunks.offer(END, 50, TimeUnit.MILLISECONDS)) {
                    if (entryGuard.cancelled || entryGuard.expired()) {
                        return;
                    }
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }

        Throwable failure() {
            return failure;
        }

        boolean finished() {
            return finished;
        }

        void cancel() {
            entryGuard.cancelled = true;
            chunks.clear();
        }

        /** Reads the rest of the entry and throws it away (bounded by the deadline). */
        void drain() {
            try {
                byte[] skip = new byte[CHUNK];
                while (read(skip, 0, skip.length) >= 0) {
                    // discarded
                }
            } catch (IOException e) {
                // reported through failure() or the guard
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (offset == current.length) {
                if (ended) {
                    return -1;
                }
                byte[] next;
                try {
                    next = chunks.poll(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Stopped("interrupted");
                }
                if (next == null) {
                    if (entryGuard.expired()) {
                        throw new Stopped("RAR extraction reached MaxScanTime");
                    }
                    continue;
                }
                if (next == END) {
                    ended = true;
                    finished = failure == null;
                    if (failure != null) {
                        Throwable f = failure;
                        throw new IOException(describe(f), f);
                    }
                    return -1;
                }
                current = next;
                offset = 0;
            }
            int k = Math.min(len, current.length - offset);
            System.arraycopy(current, offset, b, off, k);
            offset += k;
            return k;
        }
    }

    /** The input, cut at {@code end}, as junrar's channel; every read checks the guard. */
    private static final class GuardedChannel implements SeekableReadOnlyByteChannel {
        private final ScanInput input;
        private final long end;
        private final Guard guard;
        private long position;

        GuardedChannel(ScanInput input, long end, Guard guard) {
            this.input = input;
            this.end = Math.min(end, input.size());
            this.guard = guard;
        }

        @Override
        public long getPosition() {
            return position;
        }

        @Override
        public void setPosition(long pos) throws IOException {
            if (pos < 0) {
                throw new IOException("negative position");
            }
            position = pos;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int off, int count) throws IOException {
            guard.check();
            if (count == 0) {
                return 0;
            }
            if (position >= end) {
                return -1;
            }
            int n = input.read(position, buffer, off, (int) Math.min(count, end - position));
            if (n <= 0) {
                return -1;
            }
            position += n;
            return n;
        }

        @Override
        public int readFully(byte[] buffer, int count) throws IOException {
            int total = 0;
            while (total < count) {
                int n = read(buffer, total, count - total);
                if (n <= 0) {
                    break;
                }
                total += n;
            }
            if (total < count) {
                throw new java.io.EOFException("RAR data ends early");
            }
            return total;
        }

        @Override
        public void close() {
        }
    }

    /** One volume only: a multi-volume archive's other parts are never looked for. */
    private static final class SingleVolume implements VolumeManager {
        private final SeekableReadOnlyByteChannel channel;
        private final long length;

        SingleVolume(SeekableReadOnlyByteChannel channel, long length) {
            this.channel = channel;
            this.length = length;
        }

        @Override
        public Volume nextVolume(Archive archive, Volume last) {
            if (last != null) {
                return null;
            }
            return new Volume() {
                @Override
                public SeekableReadOnlyByteChannel getChannel() {
                    return channel;
                }

                @Override
                public long getLength() {
                    return length;
                }

                @Override
                public Archive getArchive() {
                    return archive;
                }
            };
        }
    }
}
