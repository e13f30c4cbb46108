package dev.vigil.unpack.cab;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.pe.Le;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The uncompressed bytes of one cabinet folder, block by block. MSZIP blocks are raw deflate streams after a
 * {@code CK} marker, each using the previous 32 KiB of output as its dictionary. A truncated folder simply ends.
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

    FolderStream(ScanInput input, CabUnpacker.Folder folder, int dataReserve, long budget, long[] spent) {
        this.input = input;
        this.folder = folder;
        this.dataReserve = dataReserve;
        this.budget = budget;
        this.spent = spent;
        this.blockAt = folder.dataOffset();
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
