package dev.vigil.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A {@link ScanInput} over a file, read with positional reads so that any size streams in bounded memory. */
public final class FileInput implements ScanInput {
    private final FileChannel channel;
    private final long size;

    private FileInput(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
    }

    public static FileInput open(Path path) throws IOException {
        return new FileInput(FileChannel.open(path, StandardOpenOption.READ));
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int read(long position, byte[] dst, int offset, int length) throws IOException {
        if (position >= size || position < 0) {
            return 0;
        }
        ByteBuffer buf = ByteBuffer.wrap(dst, offset, (int) Math.min(length, size - position));
        int total = 0;
        while (buf.hasRemaining()) {
            int r = channel.read(buf, position + total);
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
