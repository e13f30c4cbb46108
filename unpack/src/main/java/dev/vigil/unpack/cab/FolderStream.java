package dev.vigil.unpack.cab;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.lzx.LzxInputStream;
import dev.vigil.unpack.pe.Le;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The uncompressed bytes of one cabinet folder, block by block. MSZIP blocks are raw deflate streams after a
 * {@code CK} marker, each using the previous 32 KiB of output as its dictionary. LZX folders are one LZX stream over
 * the concatenated payloads of the data blocks ({@link LzxInputStream}, window from the folder's compression type),
 * whose output length is the sum of the blocks' declared sizes. A truncated folder simply ends; an LZX folder that
 * fails to decode ends there too, and {@link #failure()} says why.
 */
final class FolderStream {
    private static final int MAX_BLOCK = 32768;

    /** Thrown when the cabinet's shared decompression budget is spent. */
    static final class BudgetExceeded extends IOException {
        BudgetExceeded() {
            super("decompression budget spent", null);
        }
    }

    private final ScanInput input;
    private final CabUnpacker.Folder folder;
    private final int dataReserve;
    private final long budget;
    private final long[] spent;
    private final byte[] history = new byte[MAX_BLOCK];
    private int historyLength;
    private byte[] block = new byte[0];
    private int blockPos;
    private int blocksRead;
    private long blockAt;
    private long position;
    private LzxInputStream lzx;
    private String failure;

    FolderStream(ScanInput input, CabUnpacker.Folder folder, int dataReserve, long budget, long[] spent)
            throws UnpackException {
        this.input = input;
        this.folder = folder;
        this.dataReserve = dataReserve;
        this.budget = budget;
        this.spent = spent;
        this.blockAt = folder.dataOffset();
        if ((folder.compression() & 0x0f) == CabUnpacker.LZX) {
            Payloads payloads = new Payloads();
            lzx = new LzxInputStream(payloads, folder.compression() >>> 8 & 0x1f, 0, payloads.declaredLength());
        }
    }

    /** Why an LZX folder ended early, or null. */
    String failure() {
        return failure;
    }

    long position() {
        return position;
    }

    void skipTo(long target) throws IOException {
        while (position < target) {
            if (blockPos == block.length && !nextBlock()) {
                return;
            }
            int k = (int) Math.min(block.length - blockPos, target - position);
            blockPos += k;
            position += k;
        }
    }

    /** Up to {@code n} bytes; fewer when the folder ends early. */
    byte[] readUpTo(int n) throws IOException {
        byte[] out = new byte[Math.min(n, 1 << 16)];
        int got = 0;
        while (got < n) {
            if (blockPos == block.length && !nextBlock()) {
                break;
            }
            int k = Math.min(block.length - blockPos, n - got);
            if (got + k > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, Math.max((long) got + k, 2L * out.length)));
            }
            System.arraycopy(block, blockPos, out, got, k);
            blockPos += k;
            got += k;
            position += k;
        }
        return got == out.length ? out : Arrays.copyOf(out, got);
    }

    private boolean nextBlock() throws IOException {
        if (lzx != null) {
            return nextLzxBlock();
        }
        if (blocksRead >= folder.blocks()) {
            return false;
        }
        byte[] h = input.readFully(blockAt, 8);
        if (h.length < 8) {
            return false;
        }
        int packed = Le.u16(h, 4);
        int unpacked = Le.u16(h, 6);
        if (unpacked > MAX_BLOCK) {
            throw new UnpackException("cabinet data block declares " + unpacked + " bytes");
        }
        byte[] data = input.readFully(blockAt + 8 + dataReserve, packed);
        if (data.length < packed) {
            return false;
        }
        blockAt += 8 + dataReserve + packed;
        blocksRead++;
        spent[0] += unpacked;
        if (spent[0] > budget) {
            throw new BudgetExceeded();
        }
        block = (folder.compression() & 0x0f) == 0 ? Arrays.copyOf(data, Math.min(packed, unpacked)) : inflate(data, unpacked);
        blockPos = 0;
        return block.length > 0 || blocksRead < folder.blocks();
    }

    /** The next 32 KiB (one LZX frame) of an LZX folder. */
    private boolean nextLzxBlock() throws IOException {
        if (failure != null) {
            return false;
        }
        byte[] frame = new byte[MAX_BLOCK];
        int n = 0;
        try {
            while (n < frame.length) {
                int k = lzx.read(frame, n, frame.length - n);
                if (k < 0) {
                    break;
                }
                n += k;
            }
        } catch (IOException e) {
            failure = "LZX folder: " + e.getMessage();
        }
        spent[0] += n;
        if (spent[0] > budget) {
            throw new BudgetExceeded();
        }
        block = n == frame.length ? frame : Arrays.copyOf(frame, n);
        blockPos = 0;
        return n > 0;
    }

    /** The payloads of the folder's data blocks, one after the other, as the LZX decoder reads them. */
    private final class Payloads extends InputStream {
        private long at = folder.dataOffset();
        private int index;
        private long payloadAt;
        private int payloadLeft;

        /** The sum of the blocks' uncompressed sizes, as far as their headers can be read. */
        long declaredLength() {
            long total = 0;
            long p = folder.dataOffset();
            for (int i = 0; i < folder.blocks(); i++) {
                byte[] h = readHeader(p);
                if (h == null) {
                    break;
                }
                total += Le.u16(h, 6);
                p += 8 + dataReserve + Le.u16(h, 4);
            }
            return total;
        }

        private byte[] readHeader(long p) {
            try {
                byte[] h = input.readFully(p, 8);
                return h.length == 8 ? h : null;
            } catch (IOException e) {
                return null;
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
            while (payloadLeft == 0) {
                if (index >= folder.blocks()) {
                    return -1;
                }
                byte[] h = readHeader(at);
                if (h == null) {
                    return -1;
                }
                index++;
                payloadAt = at + 8 + dataReserve;
                payloadLeft = Le.u16(h, 4);
                at = payloadAt + payloadLeft;
            }
            int n = input.read(payloadAt, b, off, Math.min(len, payloadLeft));
            if (n <= 0) {
                payloadLeft = 0;
                index = folder.blocks(); // the cabinet is cut short here
                return -1;
            }
            payloadAt += n;
            payloadLeft -= n;
            return n;
        }
    }

    private byte[] inflate(byte[] data, int unpacked) throws UnpackException {
        if (data.length < 2 || data[0] != 'C' || data[1] != 'K') {
            throw new UnpackException("MSZIP block without its CK marker");
        }
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(data, 2, data.length - 2);
            if (historyLength > 0) {
                inflater.setDictionary(history, 0, historyLength);
            }
            byte[] out = new byte[unpacked];
            int n = 0;
            while (n < unpacked && !inflater.finished()) {
                int k = inflater.inflate(out, n, unpacked - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
            remember(out, n);
            return n == unpacked ? out : Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            throw new UnpackException("MSZIP block corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private void remember(byte[] out, int n) {
        if (n >= MAX_BLOCK) {
            System.arraycopy(out, n - MAX_BLOCK, history, 0, MAX_BLOCK);
            historyLength = MAX_BLOCK;
            return;
        }
        int keep = Math.min(historyLength, MAX_BLOCK - n);
        System.arraycopy(history, historyLength - keep, history, 0, keep);
        System.arraycopy(out, 0, history, keep, n);
        historyLength = keep + n;
    }
}
