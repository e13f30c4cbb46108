package dev.vigil.unpack.lzx;

import java.util.Arrays;

/**
 * A canonical Huffman code as LZX uses it (codes assigned shortest first, then by symbol; read most significant bit
 * first; lengths up to 16). Short codes decode through one table lookup, longer ones by walking the code lengths.
 * Only complete codes are accepted, or a code without any symbol, which {@link #empty()} reports.
 */
final class HuffmanTable {
    static final int MAX_LENGTH = 16;

    private final int symbols;
    private final int tableBits;
    /** Per index of the first {@code tableBits} bits: {@code length << 12 | symbol}, or -1 for longer codes. */
    private final int[] fast;
    private final int[] count = new int[MAX_LENGTH + 1];
    private final int[] firstCode = new int[MAX_LENGTH + 1];
    private final int[] firstIndex = new int[MAX_LENGTH + 1];
    private final int[] sorted;
    private boolean empty = true;

    HuffmanTable(int symbols, int tableBits) {
        this.symbols = symbols;
        this.tableBits = tableBits;
        this.fast = new int[1 << tableBits];
        this.sorted = new int[symbols];
    }

    boolean empty() {
        return empty;
    }

    /**
     * Builds the code from {@code lengths[0..symbols)} (unsigned). Lengths over 16 never get a code, as in
     * libmspack; throws when the others do not form a complete code, unless every length is zero.
     */
    void build(byte[] lengths) throws LzxException {
        Arrays.fill(count, 0);
        boolean anyLength = false;
        for (int s = 0; s < symbols; s++) {
            int len = lengths[s] & 0xff;
            anyLength |= len != 0;
            if (len <= MAX_LENGTH) {
                count[len]++;
            }
        }
        count[0] = 0;
        long left = 1;
        for (int len = 1; len <= MAX_LENGTH; len++) {
            left = (left << 1) - count[len];
            if (left < 0) {
                throw new LzxException("over-subscribed Huffman code");
            }
        }
        empty = !anyLength;
        if (left != 0) {
            if (empty) {
                return;
            }
            throw new LzxException("incomplete Huffman code");
        }
        empty = false;
        int code = 0;
        int index = 0;
        for (int len = 1; len <= MAX_LENGTH; len++) {
            firstCode[len] = code;
            firstIndex[len] = index;
            index += count[len];
            code = (code + count[len]) << 1;
        }
        int[] next = new int[MAX_LENGTH + 1];
        System.arraycopy(firstIndex, 0, next, 0, next.length);
        for (int s = 0; s < symbols; s++) {
            int len = lengths[s] & 0xff;
            if (len != 0 && len <= MAX_LENGTH) {
                sorted[next[len]++] = s;
            }
        }
        Arrays.fill(fast, -1);
        for (int len = 1; len <= tableBits; len++) {
            int span = 1 << (tableBits - len);
            for (int i = 0; i < count[len]; i++) {
                int start = (firstCode[len] + i) << (tableBits - len);
                Arrays.fill(fast, start, start + span, len << 12 | sorted[firstIndex[len] + i]);
            }
        }
    }

    /**
     * Decodes one symbol from the next 16 bits of input, {@code peek16} (most significant first); returns
     * {@code length << 12 | symbol}.
     */
    int decode(int peek16) throws LzxException {
        if (empty) {
            throw new LzxException("symbol needed from an empty Huffman code");
        }
        int e = fast[peek16 >>> (MAX_LENGTH - tableBits)];
        if (e >= 0) {
            return e;
        }
        for (int len = tableBits + 1; len <= MAX_LENGTH; len++) {
            int offset = (peek16 >>> (MAX_LENGTH - len)) - firstCode[len];
            if (offset >= 0 && offset < count[len]) {
                return len << 12 | sorted[firstIndex[len] + offset];
            }
        }
        throw new LzxException("invalid Huffman code");
    }
}
