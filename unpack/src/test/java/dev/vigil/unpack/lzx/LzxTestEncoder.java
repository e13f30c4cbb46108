package dev.vigil.unpack.lzx;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small LZX encoder for the tests (no LZX compressor is available to them): one block per 32 KiB frame, of a type
 * chosen per frame; fixed complete Huffman codes; greedy matches that never cross a frame or reach behind the last
 * reset; the E8 call translation when asked. It writes what the format allows, so that round trips test the decoder;
 * {@link #frameOffsets()} gives the compressed offset of every frame, as a CHM reset table lists them.
 */
final class LzxTestEncoder {
    static final int VERBATIM = 1;
    static final int ALIGNED = 2;
    static final int UNCOMPRESSED = 3;
    private static final int FRAME = LzxInputStream.FRAME;
    private static final int[] SLOTS = {30, 32, 34, 36, 38, 42, 50};
    private static final int[] BASE = new int[51];
    private static final int[] EXTRA = new int[51];

    static {
        for (int i = 0; i < EXTRA.length; i++) {
            EXTRA[i] = i < 4 ? 0 : Math.min(17, i / 2 - 1);
        }
        for (int i = 1; i < BASE.length; i++) {
            BASE[i] = BASE[i - 1] + (1 << EXTRA[i - 1]);
        }
    }

    private final int windowBits;
    private final int resetInterval;
    private final int e8FileSize;
    private final int[] blockTypes;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int acc;
    private int accBits;
    private final List<Long> frameOffsets = new ArrayList<>();

    private final byte[] mainLengths;
    private final int[] mainCodes;
    private final byte[] lengthLengths = new byte[249];
    private final int[] lengthCodes;
    private final byte[] pretreeLengths = new byte[20];
    private final int[] pretreeCodes;
    private byte[] previousMain;
    private byte[] previousLength;
    private long r0 = 1;
    private long r1 = 1;
    private long r2 = 1;

    /**
     * @param blockTypes the block type of each frame, repeated as needed
     * @param e8FileSize the translation size written in the header, or 0 for no translation
     */
    LzxTestEncoder(int windowBits, int resetInterval, int e8FileSize, int... blockTypes) {
        this.windowBits = windowBits;
        this.resetInterval = resetInterval;
        this.e8FileSize = e8FileSize;
        this.blockTypes = blockTypes;
        int symbols = 256 + SLOTS[windowBits - 15] * 8;
        mainLengths = new byte[symbols];
        // a complete code of lengths 8/9 or 9/10, whichever fits the symbol count
        int shortLength = symbols <= 512 ? 8 : 9;
        int shortCount = (1 << (shortLength + 1)) - symbols;
        for (int s = 0; s < symbols; s++) {
            mainLengths[s] = (byte) (s < shortCount ? shortLength : shortLength + 1);
        }
        mainCodes = codes(mainLengths);
        Arrays.fill(lengthLengths, (byte) 8);
        lengthLengths[248] = 5;
        lengthCodes = codes(lengthLengths);
        for (int i = 0; i < 20; i++) {
            pretreeLengths[i] = (byte) (i < 12 ? 4 : 5);
        }
        pretreeCodes = codes(pretreeLengths);
    }

    List<Long> frameOffsets() {
        return frameOffsets;
    }

    byte[] encode(byte[] data) {
        byte[] input = e8FileSize != 0 ? translate(data) : data;
        int frames = (input.length + FRAME - 1) / FRAME;
        int resetStart = 0;
        for (int f = 0; f < frames; f++) {
            frameOffsets.add((long) out.size());
            if (f == 0 || resetInterval > 0 && f % resetInterval == 0) {
                resetStart = f * FRAME;
                r0 = r1 = r2 = 1;
                previousMain = new byte[mainLengths.length];
                previousLength = new byte[lengthLengths.length];
                if (e8FileSize != 0) {
                    bits(1, 1);
                    bits(e8FileSize >>> 16, 16);
                    bits(e8FileSize & 0xffff, 16);
                } else {
                    bits(0, 1);
                }
            }
            int start = f * FRAME;
            int end = Math.min(input.length, start + FRAME);
            int type = blockTypes[f % blockTypes.length];
            if (type == UNCOMPRESSED) {
                uncompressed(input, start, end);
            } else {
                compressed(type, input, resetStart, start, end);
            }
            if (accBits > 0) {
                bits(0, 16 - accBits); // frames end on a 16-bit boundary
            }
        }
        return out.toByteArray();
    }

    private void uncompressed(byte[] data, int start, int end) {
        bits(UNCOMPRESSED, 3);
        bits((end - start) >>> 8, 16);
        bits((end - start) & 0xff, 8);
        if (accBits == 0) {
            bits(0, 16); // the decoder skips a whole word when already aligned
        } else {
            bits(0, 16 - accBits);
        }
        for (long r : new long[] {r0, r1, r2}) {
            for (int i = 0; i < 4; i++) {
                out.write((int) (r >>> 8 * i));
            }
        }
        out.write(data, start, end - start);
        if (((end - start) & 1) != 0) {
            out.write(0);
        }
    }

    private void compressed(int type, byte[] data, int resetStart, int start, int end) {
        bits(type, 3);
        bits((end - start) >>> 8, 16);
        bits((end - start) & 0xff, 8);
        if (type == ALIGNED) {
            for (int i = 0; i < 8; i++) {
                bits(3, 3); // every aligned symbol three bits long: the code is the symbol
            }
        }
        lengths(previousMain, mainLengths, 0, 256);
        lengths(previousMain, mainLengths, 256, mainLengths.length);
        lengths(previousLength, lengthLengths, 0, 249);
        previousMain = mainLengths.clone();
        previousLength = lengthLengths.clone();
        Map<Integer, Integer> last = new HashMap<>();
        int maxOffset = (1 << windowBits) - 3;
        for (int p = start; p < end; ) {
            int bestLength = 0;
            int bestFrom = -1;
            if (p + 3 <= end) {
                Integer from = last.get(key(data, p));
                if (from != null && from >= resetStart && p - from <= maxOffset) {
                    int n = 0;
                    while (n < 257 && p + n < end && data[from + n] == data[p + n]) {
                        n++;
                    }
                    bestLength = n;
                    bestFrom = from;
                }
            }
            for (int k = 0; k < Math.max(1, bestLength) && p + k + 3 <= end; k++) {
                last.put(key(data, p + k), p + k);
            }
            if (bestLength >= 3) {
                match(type, p - bestFrom, bestLength);
                p += bestLength;
            } else {
                code(mainCodes, mainLengths, data[p] & 0xff);
                p++;
            }
        }
    }

    private static int key(byte[] d, int p) {
        return (d[p] & 0xff) << 16 | (d[p + 1] & 0xff) << 8 | d[p + 2] & 0xff;
    }

    private void match(int type, long offset, int length) {
        int header = Math.min(length - 2, 7);
        int slot;
        long extraValue = 0;
        if (offset == r0) {
            slot = 0;
        } else if (offset == r1) {
            slot = 1;
            r1 = r0;
            r0 = offset;
        } else if (offset == r2) {
            slot = 2;
            r2 = r0;
            r0 = offset;
        } else {
            long formatted = offset + 2;
            slot = 3;
            while (BASE[slot + 1] <= formatted) {
                slot++;
            }
            extraValue = formatted - BASE[slot];
            r2 = r1;
            r1 = r0;
            r0 = offset;
        }
        code(mainCodes, mainLengths, 256 + slot * 8 + header);
        if (header == 7) {
            code(lengthCodes, lengthLengths, length - 9);
        }
        if (slot >= 3) {
            int extra = EXTRA[slot];
            if (type == ALIGNED && extra >= 3) {
                if (extra > 3) {
                    bits((int) (extraValue >>> 3), extra - 3);
                }
                bits((int) (extraValue & 7), 3);
            } else if (extra > 0) {
                bits((int) extraValue, extra);
            }
        }
    }

    /** Code lengths as pretree-coded deltas from the previous ones. */
    private void lengths(byte[] previous, byte[] lengths, int first, int last) {
        for (int i = 0; i < 20; i++) {
            bits(pretreeLengths[i], 4);
        }
        for (int x = first; x < last; x++) {
            int z = (previous[x] - lengths[x] + 17) % 17;
            code(pretreeCodes, pretreeLengths, z);
        }
    }

    private void code(int[] codes, byte[] lengths, int symbol) {
        bits(codes[symbol], lengths[symbol]);
    }

    /** Writes the low {@code n} bits of {@code v}, most significant first, in 16-bit little-endian words. */
    void bits(int v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            acc = acc << 1 | v >>> i & 1;
            if (++accBits == 16) {
                out.write(acc & 0xff);
                out.write(acc >>> 8 & 0xff);
                acc = 0;
                accBits = 0;
            }
        }
    }

    /** Canonical codes for {@code lengths}: shortest first, then by symbol. */
    static int[] codes(byte[] lengths) {
        int[] count = new int[17];
        for (byte l : lengths) {
            count[l]++;
        }
        count[0] = 0;
        int[] next = new int[17];
        int code = 0;
        for (int len = 1; len <= 16; len++) {
            code = (code + count[len - 1]) << 1;
            next[len] = code;
        }
        int[] codes = new int[lengths.length];
        for (int s = 0; s < lengths.length; s++) {
            if (lengths[s] != 0) {
                codes[s] = next[lengths[s]]++;
            }
        }
        return codes;
    }

    /** The encoder's half of the E8 translation: relative call targets to absolute, frame by frame. */
    private byte[] translate(byte[] data) {
        byte[] t = data.clone();
        for (int start = 0; start < t.length; start += FRAME) {
            int size = Math.min(FRAME, t.length - start);
            if (size <= 10) {
                continue;
            }
            int i = start;
            while (i < start + size - 10) {
                if ((t[i++] & 0xff) != 0xe8) {
                    continue;
                }
                int curpos = i - 1;
                int rel = t[i] & 0xff | (t[i + 1] & 0xff) << 8 | (t[i + 2] & 0xff) << 16 | t[i + 3] << 24;
                int abs;
                if ((long) rel + curpos >= 0 && (long) rel + curpos < e8FileSize) {
                    abs = rel + curpos;
                } else if ((long) rel - e8FileSize >= -curpos && rel - (long) e8FileSize < 0) {
                    abs = rel - e8FileSize;
                } else if (rel >= -curpos && rel < e8FileSize) {
                    throw new IllegalArgumentException("E8 operand at " + curpos + " cannot round-trip");
                } else {
                    abs = rel;
                }
                t[i] = (byte) abs;
                t[i + 1] = (byte) (abs >>> 8);
                t[i + 2] = (byte) (abs >>> 16);
                t[i + 3] = (byte) (abs >>> 24);
                i += 4;
            }
        }
        return t;
    }
}
