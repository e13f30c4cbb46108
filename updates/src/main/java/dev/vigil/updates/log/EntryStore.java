package dev.vigil.updates.log;

import dev.vigil.updates.tiles.EntryBundle;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The log's entries on disk: {@code entries.dat} holds them back to back, {@code entries.idx} the end offset of
 * each as a big-endian u64. The index is written after the data, so on open a torn tail is simply cut off.
 */
final class EntryStore implements Closeable {
    private final FileChannel data;
    private final FileChannel index;
    private long count;
    private long end;

    EntryStore(Path dir) throws IOException {
        data = FileChannel.open(dir.resolve("entries.dat"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        index = FileChannel.open(dir.resolve("entries.idx"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            recover();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void recover() throws IOException {
        count = index.size() / 8;
        // Drop index entries whose data did not reach the disk.
        while (count > 0 && offsetAfter(count - 1) > data.size()) {
            count--;
        }
        index.truncate(count * 8);
        end = count == 0 ? 0 : offsetAfter(count - 1);
        data.truncate(end);
    }

    long size() {
        return count;
    }

    long append(byte[] entry) throws IOException {
        EntryBundle.checkEntry(entry);
        writeFully(data, ByteBuffer.wrap(entry), end);
        end += entry.length;
        writeFully(index, ByteBuffer.allocate(8).putLong(0, end), count * 8);
        return count++;
    }

    byte[] read(long i) throws IOException {
        if (i < 0 || i >= count) {
            throw new IllegalArgumentException("no entry " + i);
        }
        long from = i == 0 ? 0 : offsetAfter(i - 1);
        long to = offsetAfter(i);
        ByteBuffer buf = ByteBuffer.allocate((int) (to - from));
        while (buf.hasRemaining()) {
            if (data.read(buf, from + buf.position()) < 0) {
                throw new IOException("entries.dat is truncated");
            }
        }
        return buf.array();
    }

    private long offsetAfter(long i) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(8);
        while (buf.hasRemaining()) {
            if (index.read(buf, i * 8 + buf.position()) < 0) {
                throw new IOException("entries.idx is truncated");
            }
        }
        return buf.getLong(0);
    }

    void sync() throws IOException {
        data.force(false);
        index.force(false);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf, pos + buf.position());
        }
    }

    @Override
    public void close() throws IOException {
        try {
            data.close();
        } finally {
            index.close();
        }
    }
}
