package dev.vigil.unpack.ole2;

import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.OutputLimitException;

/**
 * MS-OVBA's compressed container (section 2.4.1): a 0x01 signature, then chunks of at most 4096 decompressed bytes,
 * each either raw or a sequence of flag bytes with literal and copy tokens.
 */
public final class VbaCompression {
    private VbaCompression() {
    }

    /**
     * Decompresses the container starting at {@code from}; a malformed chunk ends the output (what was decoded so
     * far is kept, as VBA readers do).
     */
    public static byte[] decompress(byte[] src, int from, int to, long cap) throws OutputLimitException {
        BoundedBuffer out = new BoundedBuffer(cap, 4096);
        if (from < 0 || from >= to || src[from] != 1) {
            return new byte[0];
        }
        int pos = from + 1;
        while (pos + 2 <= to) {
            int header = (src[pos] & 0xff) | (src[pos + 1] & 0xff) << 8;
            int chunkEnd = Math.min(to, pos + (header & 0x0fff) + 3);
            boolean compressed = (header & 0x8000) != 0;
            pos += 2;
            int chunkStart = out.length();
            if (!compressed) {
                int n = Math.min(4096, to - pos);
                out.put(src, pos, n);
                pos += 4096;
                continue;
            }
            while (pos < chunkEnd) {
                int flags = src[pos++] & 0xff;
                for (int bit = 0; bit < 8 && pos < chunkEnd; bit++) {
                    if ((flags & (1 << bit)) == 0) {
                        out.put(src[pos++]);
                        continue;
                    }
                    if (pos + 2 > chunkEnd) {
                        return out.toByteArray();
                    }
                    int token = (src[pos] & 0xff) | (src[pos + 1] & 0xff) << 8;
                    pos += 2;
                    int done = out.length() - chunkStart;
                    int bitCount = Math.max(4, 32 - Integer.numberOfLeadingZeros(Math.max(0, done - 1)));
                    int lengthMask = 0xffff >>> bitCount;
                    int length = (token & lengthMask) + 3;
                    int offset = (token >>> (16 - bitCount)) + 1;
                    int source = out.length() - offset;
                    if (source < chunkStart || source < 0) {
                        return out.toByteArray();
                    }
                    for (int k = 0; k < length; k++) {
                        out.put(out.at(source + k));
                    }
                }
            }
            pos = chunkEnd;
        }
        return out.toByteArray();
    }
}
