package dev.vigil.unpack.pe;

/**
 * Turns UPX's decompressed image back into a PE file. UPX keeps the original PE header after the import data at the
 * end of what it compressed; the header is searched backwards from the end, and each original section is laid out in
 * the file at its virtual size (raw size = virtual size, aligned), as ClamAV's rebuild does. When no header is found,
 * a minimal one-section PE is put around the data so that the image is still scanned as an executable.
 */
final class UpxRebuild {
    private static final int DOS_HEADER = 0xd0;
    private static final int PE_HEADER = 0xf8;
    private static final int SECTION_HEADER = 0x28;

    private UpxRebuild() {
    }

    /**
     * @param image  the decompressed bytes, as mapped from UPX0's RVA
     * @param length how many of them the decompressor wrote
     */
    static byte[] rebuild(byte[] image, int length, long upx0Rva) {
        for (int at = length - PE_HEADER - SECTION_HEADER; at > 0; at--) {
            if (image[at] == 'P' && image[at + 1] == 'E' && image[at + 2] == 0 && image[at + 3] == 0) {
                byte[] pe = fromHeader(image, at, upx0Rva);
                if (pe != null) {
                    return pe;
                }
            }
        }
        return crafted(image, length);
    }

    private static byte[] fromHeader(byte[] image, int header, long upx0Rva) {
        long alignment = Le.u32(image, header + 0x38);
        int count = Le.u16(image, header + 6);
        int table = header + PE_HEADER;
        if (alignment == 0 || count == 0 || !Le.has(image, table, (long) count * SECTION_HEADER)) {
            return null;
        }
        long fileOffset = align(DOS_HEADER + PE_HEADER + (long) SECTION_HEADER * count, alignment);
        long[] raw = new long[count];
        long[] size = new long[count];
        long[] rva = new long[count];
        for (int i = 0; i < count; i++) {
            int s = table + i * SECTION_HEADER;
            size[i] = align(Le.u32(image, s + 8), alignment);
            rva[i] = Le.u32(image, s + 12) / alignment * alignment;
            // Sections must lie within the decompressed data that precedes the header.
            if (rva[i] < upx0Rva || rva[i] - upx0Rva + size[i] > header) {
                return null;
            }
            raw[i] = fileOffset;
            fileOffset += size[i];
            if (fileOffset > image.length + 8192L) {
                return null;
            }
        }
        byte[] out = new byte[(int) fileOffset];
        out[0] = 'M';
        out[1] = 'Z';
        Le.put32(out, 0x3c, DOS_HEADER);
        System.arraycopy(image, header, out, DOS_HEADER, PE_HEADER + SECTION_HEADER * count);
        Le.put32(out, DOS_HEADER + 0x3c, alignment); // FileAlignment = SectionAlignment: raw layout mirrors memory
        for (int i = 0; i < count; i++) {
            int s = DOS_HEADER + PE_HEADER + i * SECTION_HEADER;
            Le.put32(out, s + 8, size[i]);
            Le.put32(out, s + 12, rva[i]);
            Le.put32(out, s + 16, size[i]);
            Le.put32(out, s + 20, raw[i]);
            long from = rva[i] - upx0Rva;
            int n = (int) Math.min(size[i], Math.max(0, image.length - from));
            System.arraycopy(image, (int) from, out, (int) raw[i], n);
        }
        return out;
    }

    private static byte[] crafted(byte[] image, int length) {
        long dataSize = align(length, 0x1000);
        if (dataSize + 0x200 > Inputs.HARD_CAP) {
            return null;
        }
        byte[] out = new byte[(int) dataSize + 0x200];
        out[0] = 'M';
        out[1] = 'Z';
        Le.put32(out, 0x3c, 0x40);
        int pe = 0x40;
        Le.put32(out, pe, 0x4550);
        Le.put16(out, pe + 4, 0x14c);
        Le.put16(out, pe + 6, 1);
        Le.put16(out, pe + 20, 0xe0);
        Le.put16(out, pe + 22, 0x10f);
        int opt = pe + 24;
        Le.put16(out, opt, 0x10b);
        Le.put32(out, opt + 16, 0x1000);
        Le.put32(out, opt + 28, 0x400000);
        Le.put32(out, opt + 32, 0x1000);
        Le.put32(out, opt + 36, 0x200);
        Le.put32(out, opt + 56, dataSize + 0x1000);
        Le.put32(out, opt + 60, 0x200);
        Le.put32(out, opt + 92, 16);
        int sec = opt + 0xe0;
        out[sec] = '.';
        out[sec + 1] = 'u';
        out[sec + 2] = 'p';
        out[sec + 3] = 'x';
        Le.put32(out, sec + 8, dataSize);
        Le.put32(out, sec + 12, 0x1000);
        Le.put32(out, sec + 16, dataSize);
        Le.put32(out, sec + 20, 0x200);
        Le.put32(out, sec + 36, 0xe0000060L);
        System.arraycopy(image, 0, out, 0x200, length);
        return out;
    }

    static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }
}
