package dev.vigil.unpack.archive;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

/**
 * A walk over the blocks of a RAR 1.5-4.x archive before junrar sees it: junrar reads every header into a list when
 * it opens an archive, so an archive of millions of tiny file blocks would cost memory in proportion. The walk counts
 * file blocks and finds where junrar's view of the archive must end to hold at most {@code maxEntries} of them; it
 * also reads the main header's flags (encrypted headers, volume).
 *
 * @param end              where junrar's view of the input ends: after the last block it may read
 * @param entries          file blocks within that view
 * @param cut              whether blocks beyond {@code maxEntries} file blocks were left out
 * @param encryptedHeaders the main header says that the headers after it are encrypted
 * @param volume           the main header says that this is a volume of a multi-volume archive
 */
record Rar4Blocks(long end, int entries, boolean cut, boolean encryptedHeaders, boolean volume) {
    static final byte[] SIGNATURE = {0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x00};

    private static final int BASE = 7;
    private static final int MAIN = 0x73;
    private static final int FILE = 0x74;
    private static final int SUB = 0x7a;
    private static final int END = 0x7b;
    private static final int LONG_BLOCK = 0x8000;
    private static final int MAIN_VOLUME = 0x01;
    private static final int MAIN_PASSWORD = 0x80;
    private static final int FILE_LARGE = 0x100;

    static boolean isRar4(ScanInput input) throws IOException {
        return input.size() >= SIGNATURE.length
                && java.util.Arrays.equals(input.readFully(0, SIGNATURE.length), SIGNATURE);
    }

    static Rar4Blocks walk(ScanInput input, int maxEntries) throws IOException {
        long pos = SIGNATURE.length;
        int entries = 0;
        boolean encrypted = false;
        boolean volume = false;
        while (pos + BASE <= input.size()) {
            byte[] b = input.readFully(pos, BASE + 4 + 32);
            int type = b[2] & 0xff;
            int flags = ZipDirectory.u16(b, 3);
            int size = ZipDirectory.u16(b, 5);
            if (size < BASE) {
                // junrar stops at the same malformed block; nothing after it is offered.
                return new Rar4Blocks(pos, entries, false, encrypted, volume);
            }
            if (type == MAIN) {
                encrypted = (flags & MAIN_PASSWORD) != 0;
                volume = (flags & MAIN_VOLUME) != 0;
                if (encrypted) {
                    return new Rar4Blocks(pos + size, entries, false, true, volume);
                }
            }
            if (type == END) {
                return new Rar4Blocks(Math.min(input.size(), pos + size), entries, false, encrypted, volume);
            }
            long data = 0;
            if ((flags & LONG_BLOCK) != 0 || type == FILE || type == SUB) {
                if (b.length < BASE + 4) {
                    return new Rar4Blocks(input.size(), entries, false, encrypted, volume);
                }
                data = ZipDirectory.u32(b, BASE);
                if ((type == FILE || type == SUB) && (flags & FILE_LARGE) != 0 && b.length >= BASE + 29) {
                    data += ZipDirectory.u32(b, BASE + 25) << 32;
                }
            }
            if (type == FILE) {
                if (maxEntries > 0 && entries >= maxEntries) {
                    return new Rar4Blocks(pos, entries, true, encrypted, volume);
                }
                entries++;
            }
            pos += size + data;
        }
        return new Rar4Blocks(input.size(), entries, false, encrypted, volume);
    }
}
