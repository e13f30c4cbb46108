package dev.vigil.unpack.pe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.io.InputStream;

/** Reads a {@link ScanInput} from its start as a stream, without copying it. */
public final class ScanInputStream extends InputStream {
    private final ScanInput input;
    private long position;

    public ScanInputStream(ScanInput input) {
        this.input = input;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = input.read(position, b, off, len);
        if (n <= 0) {
            return -1;
        }
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long k = Math.max(0, Math.min(n, input.size() - position));
        position += k;
        return k;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, input.size() - position);
    }
}
