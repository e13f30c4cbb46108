package dev.vigil.unpack.pe;

import java.util.Arrays;

/**
 * ASPack's decoder state: a 24-bit window over the input, four canonical code tables (literals/lengths, long
 * lengths, distance low bits, and the code-length code) rebuilt from the stream, and the distance history. Tables and
 * the previous code lengths persist from block to block, as in the packer.
 */
final class AspackStream {
    private static final int[] SIZES = {721, 28, 8, 19};

    final long[] initArray = new long[58];
    private final int[][] starts = {new int[721], new int[28], new int[8], new int[19]};
    private final byte[][] ends = {new byte[256], new byte[256], new byte[256], new byte[256]};
    private final long[][] limits = new long[4][24];
    private final long[][] bases = new long[4][24];
    private final byte[] dictionary = new byte[757];
    private final byte[] lengths = new byte[758];
    private final byte[] codeLengths = new byte[19];
    private long hash = 0x10000;
    private long bitPos;
    private boolean dictionaryOk;
    private byte[] in;
    private int inPos;

    private static final class Broken extends RuntimeException {
        Broken() {
            super(null, null, false, false);
        }
    }

    private static final Broken BROKEN = new Broken();

    boolean decompressBlock(byte[] input, byte[] image, long stuff, int out, int size) {
        for (long[] a : limits) {
            Arrays.fill(a, 0);
        }
        for (long[] a : bases) {
            Arrays.fill(a, 0);
        }
        Arrays.fill(dictionary, (byte) 0);
        in = input;
        inPos = 0;
        bitPos = 0x20;
        try {
            buildDictionaries();
            return decode(image, stuff, out, size);
        } catch (Broken e) {
            return false;
        }
    }

    private void fill() {
        while (bitPos >= 8) {
            if (inPos >= in.length) {
                throw BROKEN;
            }
            hash = (hash << 8 | in[inPos++] & 0xff) & 0xffffffffL;
            bitPos -= 8;
        }
    }

    private long window() {
        return hash >>> (8 - bitPos) & 0xffffff;
    }

    private int bits(int n) {
        fill();
        int v = (int) ((window() >>> (24 - n)) & 0xff);
        bitPos += n;
        return v;
    }

    private long peekBits(int n) {
        fill();
        return window() >>> ((24 - n) & 31);
    }

    private int symbol(int which) {
        fill();
        long v = hash >>> (8 - bitPos) & 0xfffe00;
        long[] d3 = limits[which];
        int pos;
        if (v < d3[8]) {
            pos = ends[which][(int) (v >>> 16)] & 0xff;
            if (pos == 0 || pos >= 24) {
                throw BROKEN;
            }
        } else if (v < d3[10]) {
            pos = v < d3[9] ? 9 : 10;
        } else if (v < d3[11]) {
            pos = 11;
        } else if (v < d3[12]) {
            pos = 12;
        } else if (v < d3[13]) {
            pos = 13;
        } else if (v < d3[14]) {
            pos = 14;
        } else {
            pos = 15;
        }
        bitPos += pos;
        long index = (((v - d3[pos - 1]) & 0xffffffffL) >>> (24 - pos)) + bases[which][pos];
        index &= 0xffffffffL;
        if (index >= SIZES[which]) {
            throw BROKEN;
        }
        return starts[which][(int) index];
    }

    private void buildTable(byte[] array, int from, int which) {
        int size = SIZES[which];
        long[] count = new long[18];
        long[] next = new long[18];
        for (int i = 0; i < size; i++) {
            int l = array[from + i] & 0xff;
            if (l > 17) {
                throw BROKEN;
            }
            count[l]++;
        }
        long[] d3 = limits[which];
        long[] d4 = bases[which];
        d3[0] = 0;
        d4[0] = 0;
        long sum = 0;
        long end = 0;
        int i = 0;
        for (int shift = 23; shift >= 9; shift--, i++) {
            sum = (sum + (count[i + 1] << shift)) & 0xffffffffL;
            if (sum > 0x1000000) {
                throw BROKEN;
            }
            d3[i + 1] = sum;
            d4[i + 1] = next[i + 1] = (count[i] + d4[i]) & 0xffffffffL;
            if (shift >= 16) {
                long old = end;
                end = d3[i + 1] >>> 16;
                if (end < old || end > 0x100) {
                    throw BROKEN;
                }
                Arrays.fill(ends[which], (int) old, (int) end, (byte) (i + 1));
            }
        }
        if (sum != 0x1000000) {
            throw BROKEN;
        }
        for (i = 0; i < size; i++) {
            int l = array[from + i] & 0xff;
            if (l != 0) {
                if (next[l] >= size) {
                    throw BROKEN;
                }
                starts[which][(int) next[l]] = i;
                next[l]++;
            }
        }
    }

    private void buildDictionaries() {
        if (bits(1) == 0) {
            Arrays.fill(dictionary, (byte) 0);
        }
        for (int i = 0; i < 19; i++) {
            codeLengths[i] = (byte) bits(4);
        }
        buildTable(codeLengths, 0, 3);
        int counter = 0;
        while (counter < 757) {
            int v = symbol(3);
            if (v >= 16) {
                if (v != 16) {
                    int run = v == 17 ? 3 + bits(3) : 11 + bits(7);
                    for (; run > 0 && counter < 757; run--, counter++) {
                        lengths[1 + counter] = 0;
                    }
                } else {
                    int run = 3 + bits(2);
                    for (; run > 0 && counter < 757; run--, counter++) {
                        lengths[1 + counter] = lengths[counter];
                    }
                }
            } else {
                lengths[1 + counter] = (byte) ((dictionary[counter] + v) & 0xf);
                counter++;
            }
        }
        buildTable(lengths, 1, 0);
        buildTable(lengths, 722, 1);
        buildTable(lengths, 750, 2);
        dictionaryOk = false;
        for (int i = 0; i < 8; i++) {
            if (lengths[750 + i] != 3) {
                dictionaryOk = true;
                break;
            }
        }
        System.arraycopy(lengths, 1, dictionary, 0, 757);
    }

    private boolean decode(byte[] image, long stuff, int out, int size) {
        long[] history = new long[4];
        int counter = 0;
        while (counter < size) {
            int gen = symbol(0);
            if (gen < 256) {
                image[out + counter++] = (byte) gen;
                continue;
            }
            if (gen >= 720) {
                buildDictionaries();
                continue;
            }
            int distanceCode = (gen - 256) >> 3;
            long length = ((gen - 256) & 7) + 2;
            if (length - 2 == 7) {
                int g = symbol(1);
                if (g >= 0x56 || !Le.has(image, stuff + g + 0x1c, 1)) {
                    return false;
                }
                int extra = Le.u8(image, stuff + g + 0x1c);
                length += Le.u8(image, stuff + g) + peekBits(extra);
                bitPos += extra;
            }
            long distance = initArray[distanceCode];
            if (!Le.has(image, stuff + distanceCode + 0x38, 1)) {
                return false;
            }
            int width = Le.u8(image, stuff + distanceCode + 0x38);
            if (!dictionaryOk || width < 3) {
                distance += peekBits(width);
                bitPos += width;
            } else {
                width -= 3;
                distance += peekBits(width) * 8;
                bitPos += width;
                distance += symbol(2);
            }
            distance &= 0xffffffffL;
            long back;
            if (distance < 3) {
                back = history[(int) distance];
                if (distance != 0) {
                    history[(int) distance] = history[0];
                    history[0] = back;
                }
            } else {
                history[2] = history[1];
                history[1] = history[0];
                history[0] = back = distance - 3;
            }
            back = (back + 1) & 0xffffffffL;
            if (back == 0 || back > counter || length > size - counter) {
                return false;
            }
            for (long k = 0; k < length; k++, counter++) {
                image[out + counter] = image[(int) (out + counter - back)];
            }
        }
        return true;
    }
}
