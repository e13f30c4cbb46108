package dev.vigil.unpack.archive;

import java.io.IOException;
import java.io.InputStream;

/**
 * ARJ's decompressors as a stream: methods 1 to 3 (LZ77 over a 26,624-byte window with Huffman-coded literals,
 * lengths and distances in blocks, the LHA family) and method 4 (the "fastest" mode with unary-prefixed lengths and
 * distances). Written for Vigil from the format's description; every table is bounds-checked, a damaged stream
 * ends in an {@link IOException}, and output stops at the declared original size.
 */
final class ArjDecoder extends InputStream {
    private static final int WINDOW = 26624;
    private static final int THRESHOLD = 3;
    private static final int MAXMATCH = 256;
    private static final int NC = 255 + MAXMATCH + 2 - THRESHOLD;
    private static final int NP = 17;
    private static final int NT = 19;
    private static final int CBIT = 9;
    private static final int PBIT = 5;
    private static final int TBIT = 5;
    private static final int NPT = 19;

    private final InputStream in;
    private final boolean fast;
    private final long originalSize;
    private long remainingInput;
    private long produced;

    private final byte[] window = new byte[WINDOW];
    private int outPos;
    private int copyFrom;
    private int copyLeft;

    private int bitbuf;
    private int subbitbuf;
    private int bitcount;

    private int blocksize;
    private final byte[] cLen = new byte[NC];
    private final byte[] ptLen = new byte[NPT];
    private final short[] cTable = new short[4096];
    private final short[] ptTable = new short[256];
    private final short[] left = new short[2 * NC - 1];
    private final short[] right = new short[2 * NC - 1];

    ArjDecoder(InputStream in, int method, long compressedSize, long originalSize) throws IOException {
        this.in = in;
        this.fast = method == 4;
        this.remainingInput = compressedSize;
        this.originalSize = originalSize;
        fillbuf(16);
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
        int n = 0;
        while (n < len && produced < originalSize) {
            if (copyLeft > 0) {
                byte v = window[copyFrom];
                copyFrom = (copyFrom + 1) % WINDOW;
                copyLeft--;
                emit(v, b, off + n++);
                continue;
            }
            if (fast) {
                decodeFast();
            } else {
                decodeHuffman();
            }
            if (copyLeft == 0 && literal >= 0) {
                emit((byte) literal, b, off + n++);
                literal = -1;
            }
        }
        return n == 0 ? -1 : n;
    }

    private int literal = -1;

    private void emit(byte v, byte[] b, int at) {
        window[outPos] = v;
        outPos = (outPos + 1) % WINDOW;
        b[at] = v;
        produced++;
    }

    private void startCopy(int length, int distance) throws IOException {
        int from = outPos - distance - 1;
        if (from < 0) {
            from += WINDOW;
        }
        if (from < 0 || from >= WINDOW) {
            throw new IOException("ARJ: distance out of the window");
        }
        copyFrom = from;
        copyLeft = length;
    }

    private void decodeHuffman() throws IOException {
        int c = decodeC();
        if (c <= 255) {
            literal = c;
        } else {
            startCopy(c - (256 - THRESHOLD), decodeP());
        }
    }

    private void decodeFast() throws IOException {
        int len = unary(0, 7);
        if (len == 0) {
            literal = getbits(8);
        } else {
            startCopy(len - 1 + THRESHOLD, unary(9, 13));
        }
    }

    /** Method 4's numbers: a run of 1 bits (at most {@code stop - start}) picks a width, then that many bits. */
    private int unary(int start, int stop) throws IOException {
        int plus = 0;
        int pwr = 1 << start;
        int width;
        for (width = start; width < stop; width++) {
            if (getbits(1) == 0) {
                break;
            }
            plus += pwr;
            pwr <<= 1;
        }
        return plus + (width != 0 ? getbits(width) : 0);
    }

    // ---------------------------------------------------------------- bits

    private void fillbuf(int n) throws IOException {
        bitbuf = (bitbuf << n) & 0xffff;
        while (n > bitcount) {
            n -= bitcount;
            bitbuf |= (subbitbuf << n) & 0xffff;
            subbitbuf = nextByte();
            bitcount = 8;
        }
        bitcount -= n;
        bitbuf |= (subbitbuf >>> bitcount) & 0xffff;
        subbitbuf &= (1 << bitcount) - 1;
    }

    private int nextByte() throws IOException {
        if (remainingInput <= 0) {
            return 0;
        }
        int v = in.read();
        if (v < 0) {
            remainingInput = 0;
            return 0;
        }
        remainingInput--;
        return v;
    }

    private int getbits(int n) throws IOException {
        int x = bitbuf >>> (16 - n);
        fillbuf(n);
        return x;
    }

    // ---------------------------------------------------------------- Huffman

    private int decodeC() throws IOException {
        if (blocksize == 0) {
            blocksize = getbits(16);
            readPtLen(NT, TBIT, 3);
            readCLen();
            readPtLen(NP, PBIT, -1);
        }
        blocksize--;
        int j = cTable[bitbuf >>> 4];
        if (j >= NC) {
            int mask = 1 << 3;
            do {
                if (j >= 2 * NC - 1 || mask == 0) {
                    throw new IOException("ARJ: bad literal tree");
                }
                j = (bitbuf & mask) != 0 ? right[j] : left[j];
                mask >>= 1;
            } while (j >= NC);
        }
        fillbuf(cLen[j]);
        return j;
    }

    private int decodeP() throws IOException {
        int j = ptTable[bitbuf >>> 8];
        if (j >= NP) {
            int mask = 1 << 7;
            do {
                if (j >= 2 * NC - 1 || mask == 0) {
                    throw new IOException("ARJ: bad distance tree");
                }
                j = (bitbuf & mask) != 0 ? right[j] : left[j];
                mask >>= 1;
            } while (j >= NP);
        }
        fillbuf(ptLen[j]);
        if (j != 0) {
            j--;
            j = (1 << j) + getbits(j);
        }
        return j;
    }

    private void readPtLen(int nn, int nbit, int special) throws IOException {
        int n = getbits(nbit);
        if (n == 0) {
            int c = getbits(nbit);
            java.util.Arrays.fill(ptLen, 0, nn, (byte) 0);
            java.util.Arrays.fill(ptTable, (short) c);
            return;
        }
        int i = 0;
        while (i < n && i < NPT) {
            int c = bitbuf >>> 13;
            if (c == 7) {
                int mask = 1 << 12;
                while ((mask & bitbuf) != 0) {
                    mask >>= 1;
                    c++;
                }
                if (c > 16) {
                    throw new IOException("ARJ: code length too long");
                }
            }
            fillbuf(c < 7 ? 3 : c - 3);
            ptLen[i++] = (byte) c;
            if (i == special) {
                int zeros = getbits(2);
                while (--zeros >= 0 && i < NPT) {
                    ptLen[i++] = 0;
                }
            }
        }
        while (i < nn) {
            ptLen[i++] = 0;
        }
        makeTable(nn, ptLen, 8, ptTable);
    }

    private void readCLen() throws IOException {
        int n = getbits(CBIT);
        if (n == 0) {
            int c = getbits(CBIT);
            java.util.Arrays.fill(cLen, (byte) 0);
            java.util.Arrays.fill(cTable, (short) c);
            return;
        }
        int i = 0;
        while (i < n) {
            int c = ptTable[bitbuf >>> 8];
            if (c >= NT) {
                int mask = 1 << 7;
                do {
                    if (c >= 2 * NC - 1 || mask == 0) {
                        throw new IOException("ARJ: bad length tree");
                    }
                    c = (bitbuf & mask) != 0 ? right[c] : left[c];
                    mask >>= 1;
                } while (c >= NT);
            }
            fillbuf(ptLen[c]);
            if (c <= 2) {
                int zeros = c == 0 ? 1 : c == 1 ? getbits(4) + 3 : getbits(CBIT) + 20;
                while (--zeros >= 0) {
                    if (i >= NC) {
                        throw new IOException("ARJ: too many code lengths");
                    }
                    cLen[i++] = 0;
                }
            } else {
                if (i >= NC) {
                    throw new IOException("ARJ: too many code lengths");
                }
                cLen[i++] = (byte) (c - 2);
            }
        }
        while (i < NC) {
            cLen[i++] = 0;
        }
        makeTable(NC, cLen, 12, cTable);
    }

    /** Canonical Huffman decoding table: direct lookup on {@code bits} bits, a tree below for longer codes. */
    private void makeTable(int nchar, byte[] bitlen, int bits, short[] table) throws IOException {
        int[] count = new int[17];
        int[] weight = new int[17];
        int[] start = new int[18];
        for (int i = 0; i < nchar; i++) {
            int len = bitlen[i];
            if (len < 0 || len > 16) {
                throw new IOException("ARJ: bad code length");
            }
            count[len]++;
        }
        for (int i = 1; i <= 16; i++) {
            start[i + 1] = start[i] + (count[i] << (16 - i));
        }
        if (start[17] != 1 << 16) {
            throw new IOException("ARJ: code lengths do not form a prefix code");
        }
        int jut = 16 - bits;
        for (int i = 1; i <= bits; i++) {
            start[i] >>>= jut;
            weight[i] = 1 << (bits - i);
        }
        for (int i = bits + 1; i <= 16; i++) {
            weight[i] = 1 << (16 - i);
        }
        int i = start[bits + 1] >>> jut;
        if (i != 1 << 16) {
            int k = 1 << bits;
            while (i != k) {
                table[i++] = 0;
            }
        }
        int avail = nchar;
        int mask = 1 << (15 - bits);
        for (int ch = 0; ch < nchar; ch++) {
            int len = bitlen[ch];
            if (len == 0) {
                continue;
            }
            int k = start[len];
            int next = k + weight[len];
            if (len <= bits) {
                if (next > table.length) {
                    throw new IOException("ARJ: table overflow");
                }
                for (int x = k; x < next; x++) {
                    table[x] = (short) ch;
                }
            } else {
                // Walk (and grow) the tree below the table entry; 'slot' says where the link lives.
                short[] where = table;
                int at = k >>> jut;
                for (int depth = len - bits; depth > 0; depth--) {
                    if (where[at] == 0) {
                        if (avail >= 2 * NC - 1) {
                            throw new IOException("ARJ: tree overflow");
                        }
                        right[avail] = 0;
                        left[avail] = 0;
                        where[at] = (short) avail++;
                    }
                    int node = where[at];
                    if (node >= 2 * NC - 1) {
                        throw new IOException("ARJ: tree overflow");
                    }
                    where = (k & mask) != 0 ? right : left;
                    at = node;
                    k <<= 1;
                }
                where[at] = (short) ch;
            }
            start[len] = next;
        }
    }
}
