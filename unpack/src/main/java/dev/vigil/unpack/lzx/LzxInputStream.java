package dev.vigil.unpack.lzx;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes an LZX stream as Microsoft cabinets and CHM files use it (windows of 2^15 to 2^21 bytes; verbatim,
 * aligned-offset and uncompressed blocks; the E8 call translation; optional resets every N frames), the way libmspack
 * reads it, so that what it accepts and refuses matches ClamAV.
 *
 * <p>Output comes in 32 KiB frames, decoded one at a time as the caller reads, so memory is the window plus one
 * frame whatever the stream declares. The input is bounded by its source; every length and offset read from it is
 * checked, and anything that does not decode throws {@link LzxException} (an {@link IOException}). The output ends
 * at {@code outputLength} bytes, or at the input's end when the length is not known.
 */
public final class LzxInputStream extends InputStream {
    public static final int FRAME = 32768;
    public static final int MIN_WINDOW_BITS = 15;
    public static final int MAX_WINDOW_BITS = 21;

    private static final int MIN_MATCH = 2;
    private static final int NUM_CHARS = 256;
    private static final int PRIMARY_LENGTHS = 7;
    private static final int SECONDARY_LENGTHS = 249;
    private static final int MAIN_SYMBOLS = NUM_CHARS + 290 * 8;
    private static final int LENGTH_SYMBOLS = SECONDARY_LENGTHS + 1;
    private static final int PRETREE_SYMBOLS = 20;
    private static final int ALIGNED_SYMBOLS = 8;
    /** Runs in the code-length encoding may write this far past the last symbol. */
    private static final int LENGTHS_SLACK = 64;
    private static final int VERBATIM = 1;
    private static final int ALIGNED = 2;
    private static final int UNCOMPRESSED = 3;
    private static final int[] POSITION_SLOTS = {30, 32, 34, 36, 38, 42, 50};
    private static final int[] POSITION_BASE = new int[290];
    private static final int[] EXTRA_BITS = new int[290];

    static {
        for (int i = 0; i < EXTRA_BITS.length; i++) {
            EXTRA_BITS[i] = i < 4 ? 0 : Math.min(17, i / 2 - 1);
        }
        for (int i = 1; i < POSITION_BASE.length; i++) {
            POSITION_BASE[i] = POSITION_BASE[i - 1] + (1 << EXTRA_BITS[i - 1]);
        }
    }

    private final InputStream in;
    private final byte[] inBuf = new byte[4096];
    private int inPos;
    private int inEnd;
    /** Zero bytes still to hand out after the input ended: libmspack pads the input with two. */
    private int padding = 2;

    private long bits;
    private int bitCount;

    private final byte[] window;
    private final int windowSize;
    private final int mainSymbols;
    private final int resetInterval;
    private final long length;
    private final byte[] e8 = new byte[FRAME];

    private final byte[] mainLengths = new byte[MAIN_SYMBOLS + LENGTHS_SLACK];
    private final byte[] lengthLengths = new byte[LENGTH_SYMBOLS + LENGTHS_SLACK];
    private final byte[] pretreeLengths = new byte[PRETREE_SYMBOLS];
    private final byte[] alignedLengths = new byte[ALIGNED_SYMBOLS];
    private final HuffmanTable main = new HuffmanTable(MAIN_SYMBOLS, 11);
    private final HuffmanTable lengths = new HuffmanTable(LENGTH_SYMBOLS, 10);
    private final HuffmanTable pretree = new HuffmanTable(PRETREE_SYMBOLS, 6);
    private final HuffmanTable aligned = new HuffmanTable(ALIGNED_SYMBOLS, 7);

    private long r0 = 1;
    private long r1 = 1;
    private long r2 = 1;
    private boolean headerRead;
    private int intelFileSize;
    private boolean intelStarted;
    private int blockType;
    private int blockLength;
    private int blockRemaining;

    private int windowPosn;
    private int framePosn;
    private long frame;
    /** Bytes of output produced by finished frames. */
    private long offset;

    private byte[] out;
    private int outPos;
    private int outEnd;
    private IOException failure;

    /**
     * @param compressed    the compressed bytes (the stream continues to read past them only as far as the
     *                      decoding needs)
     * @param windowBits    15 to 21
     * @param resetInterval frames between resets of the decoder state (CHM), or 0 for none (cabinets)
     * @param outputLength  bytes of output, or 0 when unknown (then frames are all 32 KiB)
     */
    public LzxInputStream(InputStream compressed, int windowBits, int resetInterval, long outputLength)
            throws LzxException {
        if (windowBits < MIN_WINDOW_BITS || windowBits > MAX_WINDOW_BITS) {
            throw new LzxException("LZX window of 2^" + windowBits + " bytes");
        }
        if (resetInterval < 0 || outputLength < 0) {
            throw new LzxException("negative LZX reset interval or length");
        }
        this.in = compressed;
        this.windowSize = 1 << windowBits;
        this.window = new byte[windowSize];
        this.mainSymbols = NUM_CHARS + POSITION_SLOTS[windowBits - MIN_WINDOW_BITS] * 8;
        this.resetInterval = resetInterval;
        this.length = outputLength;
        resetState();
    }

    /** Bytes handed out so far. */
    public long position() {
        return offset - (outEnd - outPos);
    }

    @Override
    public int read() throws IOException {
        if (outPos == outEnd && !nextFrame()) {
            return -1;
        }
        return out[outPos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (outPos == outEnd && !nextFrame()) {
            return -1;
        }
        int n = Math.min(len, outEnd - outPos);
        System.arraycopy(out, outPos, b, off, n);
        outPos += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long done = 0;
        while (done < n) {
            if (outPos == outEnd && !nextFrame()) {
                break;
            }
            int k = (int) Math.min(n - done, outEnd - outPos);
            outPos += k;
            done += k;
        }
        return done;
    }

    @Override
    public int available() {
        return outEnd - outPos;
    }

    private void resetState() {
        r0 = 1;
        r1 = 1;
        r2 = 1;
        headerRead = false;
        blockRemaining = 0;
        blockType = 0;
        java.util.Arrays.fill(mainLengths, (byte) 0);
        java.util.Arrays.fill(lengthLengths, (byte) 0);
    }

    /** Decodes the next frame; false at the end of the output. A failure is final. */
    private boolean nextFrame() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (length > 0 && offset >= length) {
            return false;
        }
        try {
            decodeFrame();
            return true;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    private void decodeFrame() throws IOException {
        if (resetInterval > 0 && frame % resetInterval == 0) {
            resetState();
        }
        if (!headerRead) {
            int high = 0;
            int low = 0;
            if (readBits(1) != 0) {
                high = readBits(16);
                low = readBits(16);
            }
            intelFileSize = high << 16 | low;
            headerRead = true;
        }
        int frameSize = FRAME;
        if (length > 0 && length - offset < FRAME) {
            frameSize = (int) (length - offset);
        }
        int frameEnd = framePosn + frameSize;
        while (windowPosn < frameEnd) {
            if (blockRemaining == 0) {
                readBlockHeader();
                continue; // an empty block just leads to the next header
            }
            int run = Math.min(blockRemaining, frameEnd - windowPosn);
            int runEnd = windowPosn + run;
            if (blockType == UNCOMPRESSED) {
                readRaw(window, windowPosn, run);
                windowPosn = runEnd;
            } else {
                decodeRun(runEnd);
            }
            blockRemaining -= run;
        }
        // the input realigns to 16 bits after every frame
        if (bitCount > 0) {
            ensureBits(16);
        }
        removeBits(bitCount & 15);
        if (intelStarted && intelFileSize != 0 && frame < 32768 && frameSize > 10) {
            System.arraycopy(window, framePosn, e8, 0, frameSize);
            translateCalls(e8, frameSize, (int) offset, intelFileSize);
            out = e8;
            outPos = 0;
        } else {
            out = window;
            outPos = framePosn;
        }
        outEnd = outPos + frameSize;
        offset += frameSize;
        framePosn += frameSize;
        frame++;
        if (windowPosn == windowSize) {
            windowPosn = 0;
        }
        if (framePosn == windowSize) {
            framePosn = 0;
        }
    }

    /** Undoes the encoder's E8 translation: absolute call targets back to relative ones. */
    private static void translateCalls(byte[] data, int size, int curpos, int fileSize) {
        int i = 0;
        int end = size - 10;
        while (i < end) {
            if ((data[i++] & 0xff) != 0xe8) {
                curpos++;
                continue;
            }
            int abs = data[i] & 0xff | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | data[i + 3] << 24;
            if (abs >= -curpos && abs < fileSize) {
                int rel = abs >= 0 ? abs - curpos : abs + fileSize;
                data[i] = (byte) rel;
                data[i + 1] = (byte) (rel >>> 8);
                data[i + 2] = (byte) (rel >>> 16);
                data[i + 3] = (byte) (rel >>> 24);
            }
            i += 4;
            curpos += 5;
        }
    }

    private void readBlockHeader() throws IOException {
        if (blockType == UNCOMPRESSED && (blockLength & 1) != 0) {
            nextByte(); // odd-sized uncompressed blocks are padded to 16 bits
        }
        blockType = readBits(3);
        int high = readBits(16);
        blockLength = high << 8 | readBits(8);
        blockRemaining = blockLength;
        switch (blockType) {
            case ALIGNED -> {
                for (int i = 0; i < ALIGNED_SYMBOLS; i++) {
                    alignedLengths[i] = (byte) readBits(3);
                }
                aligned.build(alignedLengths);
                if (aligned.empty()) {
                    throw new LzxException("empty aligned-offset tree");
                }
                readTrees();
            }
            case VERBATIM -> readTrees();
            case UNCOMPRESSED -> {
                intelStarted = true;
                if (bitCount == 0) {
                    ensureBits(16);
                }
                bits = 0;
                bitCount = 0;
                byte[] r = new byte[12];
                readRaw(r, 0, 12);
                r0 = u32(r, 0);
                r1 = u32(r, 4);
                r2 = u32(r, 8);
            }
            default -> throw new LzxException("LZX block type " + blockType);
        }
    }

    private void readTrees() throws IOException {
        readLengths(mainLengths, 0, NUM_CHARS);
        readLengths(mainLengths, NUM_CHARS, mainSymbols);
        main.build(mainLengths);
        if (main.empty()) {
            throw new LzxException("empty LZX main tree");
        }
        if (mainLengths[0xe8] != 0) {
            intelStarted = true;
        }
        readLengths(lengthLengths, 0, SECONDARY_LENGTHS);
        lengths.build(lengthLengths); // may be empty: blocks without long matches need none
    }

    /** Code lengths as deltas against the previous block's, through a pretree of 20 four-bit lengths. */
    private void readLengths(byte[] lens, int first, int last) throws IOException {
        for (int i = 0; i < PRETREE_SYMBOLS; i++) {
            pretreeLengths[i] = (byte) readBits(4);
        }
        pretree.build(pretreeLengths);
        if (pretree.empty()) {
            throw new LzxException("empty LZX pretree");
        }
        int x = first;
        while (x < last) {
            int z = readSymbol(pretree);
            if (z == 17) {
                int n = readBits(4) + 4;
                java.util.Arrays.fill(lens, x, x + n, (byte) 0);
                x += n;
            } else if (z == 18) {
                int n = readBits(5) + 20;
                java.util.Arrays.fill(lens, x, x + n, (byte) 0);
                x += n;
            } else if (z == 19) {
                int n = readBits(1) + 4;
                int v = (lens[x] & 0xff) - readSymbol(pretree);
                if (v < 0) {
                    v += 17; // may stay negative, kept modulo 256 as libmspack's bytes keep it
                }
                java.util.Arrays.fill(lens, x, x + n, (byte) v);
                x += n;
            } else {
                int v = (lens[x] & 0xff) - z;
                if (v < 0) {
                    v += 17;
                }
                lens[x++] = (byte) v;
            }
        }
    }

    /** Literals and matches of a verbatim or aligned block up to {@code runEnd}; nothing may cross it. */
    private void decodeRun(int runEnd) throws IOException {
        byte[] w = window;
        while (windowPosn < runEnd) {
            int sym = readSymbol(main);
            if (sym < NUM_CHARS) {
                w[windowPosn++] = (byte) sym;
                continue;
            }
            sym -= NUM_CHARS;
            int matchLength = sym & PRIMARY_LENGTHS;
            if (matchLength == PRIMARY_LENGTHS) {
                matchLength += readSymbol(lengths);
            }
            matchLength += MIN_MATCH;
            int slot = sym >>> 3;
            long matchOffset;
            switch (slot) {
                case 0 -> matchOffset = r0;
                case 1 -> {
                    matchOffset = r1;
                    r1 = r0;
                    r0 = matchOffset;
                }
                case 2 -> {
                    matchOffset = r2;
                    r2 = r0;
                    r0 = matchOffset;
                }
                default -> {
                    int extra = EXTRA_BITS[slot];
                    matchOffset = POSITION_BASE[slot] - 2L;
                    if (extra >= 3 && blockType == ALIGNED) {
                        if (extra > 3) {
                            matchOffset += (long) readBits(extra - 3) << 3;
                        }
                        matchOffset += readSymbol(aligned);
                    } else if (extra > 0) {
                        matchOffset += readBits(extra);
                    }
                    r2 = r1;
                    r1 = r0;
                    r0 = matchOffset;
                }
            }
            if (matchLength > runEnd - windowPosn) {
                throw new LzxException("LZX match runs past its block or frame");
            }
            copyMatch(matchOffset, matchLength);
        }
    }

    private void copyMatch(long matchOffset, int matchLength) throws LzxException {
        byte[] w = window;
        int dest = windowPosn;
        if (matchOffset > windowPosn) {
            // the source wraps to the end of the window: only data already written there may be used
            if (matchOffset > offset) {
                throw new LzxException("LZX match reaches before the start of the stream");
            }
            long j = matchOffset - windowPosn;
            if (j > windowSize) {
                throw new LzxException("LZX match offset larger than the window");
            }
            int src = (int) (windowSize - j);
            int n = matchLength;
            if (j < n) {
                int k = (int) j;
                System.arraycopy(w, src, w, dest, k);
                dest += k;
                n -= k;
                src = 0;
            }
            for (int i = 0; i < n; i++) {
                w[dest + i] = w[src + i];
            }
        } else {
            int src = dest - (int) matchOffset;
            for (int i = 0; i < matchLength; i++) {
                w[dest + i] = w[src + i];
            }
        }
        windowPosn += matchLength;
    }

    // ---- bits and bytes

    private int readSymbol(HuffmanTable table) throws IOException {
        ensureBits(16);
        int e = table.decode((int) (bits >>> 48));
        removeBits(e >>> 12);
        return e & 0xfff;
    }

    private int readBits(int n) throws IOException {
        ensureBits(n);
        int v = (int) (bits >>> (64 - n));
        removeBits(n);
        return v;
    }

    private void ensureBits(int n) throws IOException {
        while (bitCount < n) {
            int b0 = nextByte();
            int b1 = nextByte();
            bits |= (long) (b1 << 8 | b0) << (48 - bitCount);
            bitCount += 16;
        }
    }

    private void removeBits(int n) {
        bits <<= n;
        bitCount -= n;
    }

    private void readRaw(byte[] dst, int at, int n) throws IOException {
        while (n > 0) {
            if (inPos == inEnd && !fill()) {
                dst[at++] = (byte) pad();
                n--;
                continue;
            }
            int k = Math.min(n, inEnd - inPos);
            System.arraycopy(inBuf, inPos, dst, at, k);
            inPos += k;
            at += k;
            n -= k;
        }
    }

    private int nextByte() throws IOException {
        if (inPos == inEnd && !fill()) {
            return pad();
        }
        return inBuf[inPos++] & 0xff;
    }

    private int pad() throws EOFException {
        if (padding == 0) {
            throw new EOFException("LZX input ends early");
        }
        padding--;
        return 0;
    }

    private boolean fill() throws IOException {
        int n = in.read(inBuf, 0, inBuf.length);
        if (n <= 0) {
            return false;
        }
        inPos = 0;
        inEnd = n;
        return true;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }
}
