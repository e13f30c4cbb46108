package dev.vigil.unpack;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/** Adapters from the engine's random-access {@link ScanInput} to the stream and channel types libraries take. */
public final class Inputs {
    private Inputs() {
    }

    /** The whole input as a stream; closing the stream leaves the input open. */
    public static InputStream stream(ScanInput input) {
        return stream(input, 0, input.size());
    }

    /** {@code length} bytes from {@code offset} (clipped to the input) as a stream. */
    public static InputStream stream(ScanInput input, long offset, long length) {
        return new RangeStream(input, offset, length);
    }

    /** A read-only channel over the input; closing it leaves the input open. */
    public static SeekableByteChannel channel(ScanInput input) {
        return new ReadOnlyChannel(input);
    }

    /**
     * A stream that ends, instead of failing, where {@code in} fails: a decoder's error on a damaged entry then
     * leaves what was decoded before it to be scanned, as ClamAV scans a partial extraction. The error goes to
     * {@link ChildSink#error}; runtime exceptions that libraries throw on malformed data are treated alike.
     */
    public static InputStream untilError(InputStream in, ChildSink sink, String what) {
        return new java.io.FilterInputStream(in) {
            private boolean failed;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (failed) {
                    return -1;
                }
                try {
                    return super.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    failed = true;
                    String m = e.getMessage();
                    sink.error(what + ": " + e.getClass().getSimpleName() + (m == null ? "" : ": " + m));
                    return -1;
                }
            }

            @Override
            public long skip(long n) throws IOException {
                return failed ? 0 : super.skip(n);
            }
        };
    }

    private static final class RangeStream extends InputStream {
        private final ScanInput input;
        private final long end;
        private long position;
        private long mark;

        RangeStream(ScanInput input, long offset, long length) {
            this.input = input;
            this.position = Math.max(0, Math.min(offset, input.size()));
            this.end = Math.min(input.size(), length < 0 ? position : position + Math.min(length,
                    Long.MAX_VALUE - position));
            this.mark = position;
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
            if (position >= end) {
                return -1;
            }
            int n = input.read(position, b, off, (int) Math.min(len, end - position));
            if (n <= 0) {
                return -1;
            }
            position += n;
            return n;
        }

        @Override
        public long skip(long n) {
            long k = Math.max(0, Math.min(n, end - position));
            position += k;
            return k;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, end - position);
        }

        @Override
        public boolean markSupported() {
            return true;
        }

        @Override
        public synchronized void mark(int readLimit) {
            mark = position;
        }

        @Override
        public synchronized void reset() {
            position = mark;
        }
    }

    private static final class ReadOnlyChannel implements SeekableByteChannel {
        private final ScanInput input;
        private long position;
        private boolean open = true;

        ReadOnlyChannel(ScanInput input) {
            this.input = input;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            ensureOpen();
            if (position >= input.size()) {
                return -1;
            }
            int want = (int) Math.min(dst.remaining(), input.size() - position);
            if (dst.hasArray()) {
                int n = input.read(position, dst.array(), dst.arrayOffset() + dst.position(), want);
                dst.position(dst.position() + n);
                position += n;
                return n;
            }
            byte[] tmp = new byte[Math.min(want, 1 << 16)];
            int n = input.read(position, tmp, 0, tmp.length);
            dst.put(tmp, 0, n);
            position += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() throws IOException {
            ensureOpen();
            return position;
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            ensureOpen();
            if (newPosition < 0) {
                throw new IllegalArgumentException("negative position");
            }
            position = newPosition;
            return this;
        }

        @Override
        public long size() throws IOException {
            ensureOpen();
            return input.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }

        private void ensureOpen() throws IOException {
            if (!open) {
                throw new ClosedChannelException();
            }
        }
    }
}
