package dev.vigil.unpack.chm;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Inputs;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.lzx.LzxInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * The LZX-compressed section of a CHM file. The LZXC control data gives the window and the reset interval; the
 * reset table gives, per reset point, the compressed offset to start from and the uncompressed length (padded up to
 * the interval, as libmspack does); without a usable reset table, decoding starts at the beginning and SpanInfo gives
 * the length. One decoder is kept and moved forward from file to file; a file behind it starts a new one.
 */
final class ChmContent {
    private static final int FRAME = LzxInputStream.FRAME;
    private static final int CONTROL_SIZE = 0x1c;
    private static final int RESET_HEADER = 0x28;
    private static final int MAX_RESET_TABLE = 1_000_000;

    /** Thrown when the CHM's decompression budget is spent. */
    static final class BudgetExceeded extends UnpackException {
        BudgetExceeded() {
            super("decompression budget spent");
        }
    }

    private final ScanInput input;
    private final ChmDirectory dir;
    private final long budget;
    private long spent;
    private LzxInputStream lzx;
    private long lzxStart;
    private long streamLength;

    ChmContent(ScanInput input, ChmDirectory dir, long budget) {
        this.input = input;
        this.dir = dir;
        this.budget = budget;
    }

    boolean budgetSpent() {
        return spent > budget;
    }

    /** The decoded bytes of {@code file}, positioned at its start; malformed content throws. */
    InputStream open(ChmDirectory.Entry file) throws IOException {
        if (lzx == null || file.offset() < lzxStart + lzx.position()) {
            lzx = null;
            start(file.offset());
        }
        if (file.offset() < 0 || file.offset() > streamLength) {
            throw new UnpackException("file lies beyond the compressed content");
        }
        long skip = file.offset() - (lzxStart + lzx.position());
        try {
            while (skip > 0) {
                long k = lzx.skip(Math.min(skip, FRAME));
                if (k <= 0) {
                    throw new UnpackException("compressed content ends before the file");
                }
                count(k);
                skip -= k;
            }
        } catch (IOException e) {
            lzx = null;
            throw e instanceof UnpackException u ? u : new UnpackException(e.getMessage(), e);
        }
        return new FileStream(Math.min(file.length(), streamLength - file.offset()));
    }

    private void count(long n) throws BudgetExceeded {
        spent += n;
        if (spent > budget) {
            throw new BudgetExceeded();
        }
    }

    /** Starts a decoder at the reset point at or before {@code offset}. */
    private void start(long offset) throws IOException {
        ChmDirectory.Entry content = system(ChmDirectory.CONTENT);
        ChmDirectory.Entry control = system(ChmDirectory.CONTROL);
        if (control.length() != CONTROL_SIZE) {
            throw new UnpackException("LZXC control data of " + control.length() + " bytes");
        }
        byte[] c = readSystem(control);
        if (ChmDirectory.u32(c, 4) != 0x43585a4cL) {
            throw new UnpackException("LZXC signature missing");
        }
        int resetInterval;
        int windowSize;
        long version = ChmDirectory.u32(c, 8);
        if (version == 1) {
            resetInterval = (int) ChmDirectory.u32(c, 0xc);
            windowSize = (int) ChmDirectory.u32(c, 0x10);
        } else if (version == 2) {
            // libmspack multiplies in 32-bit ints; keep its wrap-around
            resetInterval = (int) ChmDirectory.u32(c, 0xc) * FRAME;
            windowSize = (int) ChmDirectory.u32(c, 0x10) * FRAME;
        } else {
            throw new UnpackException("LZXC control data version " + version);
        }
        int windowBits = ChmUnpacker.windowBits(windowSize & 0xffffffffL);
        if (windowBits < 0) {
            throw new UnpackException("LZX window of " + (windowSize & 0xffffffffL) + " bytes");
        }
        if (resetInterval <= 0 || resetInterval % FRAME != 0) {
            throw new UnpackException("LZX reset interval of " + resetInterval + " bytes");
        }
        long entry = offset / resetInterval * (resetInterval / FRAME);
        if (offset < 0 || entry > Integer.MAX_VALUE) {
            throw new UnpackException("file offset outside the compressed content");
        }
        long[] point = resetPoint(entry);
        long length;
        long compressedOffset;
        if (point != null) {
            length = point[0] + resetInterval - 1 & -(long) resetInterval;
            compressedOffset = point[1];
        } else {
            entry = 0;
            compressedOffset = 0;
            length = spanInfoLength();
        }
        long outputLength = length - entry * FRAME;
        if (outputLength < 0) {
            throw new UnpackException("reset point past the end of the compressed content");
        }
        long at = dir.contentStart() + content.offset() + compressedOffset;
        if (at < 0 || at > input.size()) {
            throw new UnpackException("compressed content outside the file");
        }
        lzx = new LzxInputStream(Inputs.stream(input, at, input.size() - at), windowBits, resetInterval / FRAME,
                outputLength);
        lzxStart = entry * FRAME;
        streamLength = length;
    }

    /** {uncompressed length, compressed offset} of reset entry {@code entry}, or null to fall back to SpanInfo. */
    private long[] resetPoint(long entry) throws IOException {
        ChmDirectory.Entry table = dir.systemFiles().get(ChmDirectory.RESET_TABLE);
        if (table == null || table.length() < RESET_HEADER || table.length() > MAX_RESET_TABLE) {
            return null;
        }
        byte[] t = readSystem(table);
        if (ChmDirectory.u32(t, 0x20) != FRAME) {
            return null;
        }
        long length = ChmDirectory.i64(t, 0x10);
        long entrySize = ChmDirectory.u32(t, 8);
        long pos = ChmDirectory.u32(t, 0xc) + entry * entrySize & 0xffffffffL;
        if (entry >= ChmDirectory.u32(t, 4) || pos > t.length - entrySize) {
            return null;
        }
        if (entrySize == 4) {
            return new long[] {length, ChmDirectory.u32(t, (int) pos)};
        }
        if (entrySize == 8) {
            return new long[] {length, ChmDirectory.i64(t, (int) pos)};
        }
        return null;
    }

    private long spanInfoLength() throws IOException {
        ChmDirectory.Entry span = dir.systemFiles().get(ChmDirectory.SPAN_INFO);
        if (span == null || span.length() != 8) {
            throw new UnpackException("neither a reset table nor SpanInfo gives the content length");
        }
        long length = ChmDirectory.i64(readSystem(span), 0);
        if (length <= 0) {
            throw new UnpackException("SpanInfo length " + length);
        }
        return length;
    }

    private ChmDirectory.Entry system(String name) throws UnpackException {
        ChmDirectory.Entry e = dir.systemFiles().get(name);
        if (e == null) {
            throw new UnpackException("CHM without " + name);
        }
        return e;
    }

    /** A small stored system file, read whole (callers bound its length first). */
    private byte[] readSystem(ChmDirectory.Entry e) throws IOException {
        long at = dir.contentStart() + e.offset();
        if (e.section() != 0 || e.offset() < 0 || at < 0 || e.length() < 0 || e.length() > MAX_RESET_TABLE) {
            throw new UnpackException(e.name() + " is not a stored file");
        }
        byte[] b = input.readFully(at, (int) e.length());
        if (b.length != e.length()) {
            throw new UnpackException(e.name() + " truncated");
        }
        return b;
    }

    /** One file's bytes from the shared decoder; a decoding error ends the decoder too. */
    private final class FileStream extends InputStream {
        private long remaining;

        FileStream(long length) {
            this.remaining = length;
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
            if (remaining <= 0 || lzx == null) {
                return -1;
            }
            try {
                int n = lzx.read(b, off, (int) Math.min(len, remaining));
                if (n <= 0) {
                    remaining = 0;
                    return -1;
                }
                remaining -= n;
                count(n);
                return n;
            } catch (IOException e) {
                lzx = null;
                throw e;
            }
        }
    }
}
