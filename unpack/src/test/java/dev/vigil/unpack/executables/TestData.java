package dev.vigil.unpack.executables;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;

/** Writers for the test inputs: NRV2B streams, minimal PE files, cabinets, SZDD files and ISO images. */
final class TestData {
    private TestData() {
    }

    static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    static void put32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> 8 * i);
        }
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    /** An NRV2B encoder for literals and explicit matches, bit words reserved where the decoder will read them. */
    static final class Nrv2bWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final java.util.List<long[]> words = new java.util.ArrayList<>();
        private int wordAt = -1;
        private int used = 32;
        private int word;

        private void bit(int b) {
            if (used == 32) {
                flushWord();
                wordAt = out.size();
                out.writeBytes(new byte[4]);
                used = 0;
                word = 0;
            }
            word |= (b & 1) << (31 - used);
            used++;
        }

        private void flushWord() {
            if (wordAt >= 0) {
                words.add(new long[] {wordAt, word});
            }
        }

        private void gamma(long v) {
            int top = 63 - Long.numberOfLeadingZeros(v);
            for (int i = top - 1; i >= 0; i--) {
                bit((int) (v >>> i) & 1);
                bit(i == 0 ? 1 : 0);
            }
        }

        Nrv2bWriter literal(byte[] data) {
            for (byte b : data) {
                bit(1);
                out.write(b);
            }
            return this;
        }

        /** Copies {@code length} bytes from {@code distance} back; length at least 2 (3 beyond 0xd00). */
        Nrv2bWriter match(int distance, long length) {
            bit(0);
            gamma(((distance - 1L) >> 8) + 3);
            out.write((distance - 1) & 0xff);
            long ml = length - 1 - (distance > 0xd00 ? 1 : 0);
            if (ml <= 3) {
                bit((int) (ml >> 1));
                bit((int) ml & 1);
            } else {
                bit(0);
                bit(0);
                gamma(ml - 2);
            }
            return this;
        }

        byte[] finish() {
            bit(0);
            gamma(0x1000002L);
            out.write(0xff);
            flushWord();
            byte[] r = out.toByteArray();
            for (long[] w : words) {
                put32(r, (int) w[0], w[1]);
            }
            return r;
        }
    }

    /** A section for {@link #pe}: name, virtual address and size, raw data (null for none). */
    record Sec(String name, int rva, int vsize, byte[] raw) {
    }

    /** A minimal PE32 with 0x200 file alignment, 0x1000 section alignment, entry point {@code ep}. */
    static byte[] pe(int ep, List<Sec> sections) {
        int headers = 0x400;
        int size = headers;
        for (Sec s : sections) {
            size += s.raw() == null ? 0 : align(s.raw().length, 0x200);
        }
        byte[] f = new byte[size];
        f[0] = 'M';
        f[1] = 'Z';
        put32(f, 0x3c, 0x80);
        int pe = 0x80;
        put32(f, pe, 0x4550);
        put16(f, pe + 4, 0x14c);
        put16(f, pe + 6, sections.size());
        put16(f, pe + 20, 0xe0);
        put16(f, pe + 22, 0x102);
        int opt = pe + 24;
        put16(f, opt, 0x10b);
        put32(f, opt + 16, ep);
        put32(f, opt + 28, 0x400000);
        put32(f, opt + 32, 0x1000);
        put32(f, opt + 36, 0x200);
        int image = 0x1000;
        for (Sec s : sections) {
            image = Math.max(image, align(s.rva() + s.vsize(), 0x1000));
        }
        put32(f, opt + 56, image);
        put32(f, opt + 60, headers);
        put32(f, opt + 92, 16);
        int table = opt + 0xe0;
        int raw = headers;
        for (int i = 0; i < sections.size(); i++) {
            Sec s = sections.get(i);
            int h = table + 40 * i;
            byte[] n = s.name().getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(n, 0, f, h, Math.min(8, n.length));
            put32(f, h + 8, s.vsize());
            put32(f, h + 12, s.rva());
            int rawSize = s.raw() == null ? 0 : align(s.raw().length, 0x200);
            put32(f, h + 16, rawSize);
            put32(f, h + 20, rawSize == 0 ? 0 : raw);
            put32(f, h + 36, 0xe0000060L);
            if (s.raw() != null) {
                System.arraycopy(s.raw(), 0, f, raw, s.raw().length);
                raw += rawSize;
            }
        }
        return f;
    }

    static int align(int v, int a) {
        return (v + a - 1) / a * a;
    }

    /** One file of a test cabinet: name, offset in its folder's data, size. */
    record CabFile(String name, long offset, long size) {
    }

    /**
     * A one-folder cabinet over {@code folderData}, split into 32 KiB blocks, MSZIP-compressed (each block a raw
     * deflate stream with the previous output as dictionary) or stored.
     */
    static byte[] cab(byte[] folderData, List<CabFile> files, boolean mszip) {
        ByteArrayOutputStream blocks = new ByteArrayOutputStream();
        int count = 0;
        for (int at = 0; at < folderData.length || count == 0; at += 32768) {
            int n = Math.min(32768, folderData.length - at);
            byte[] packed;
            if (mszip) {
                Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                if (at > 0) {
                    d.setDictionary(folderData, Math.max(0, at - 32768), Math.min(at, 32768));
                }
                d.setInput(folderData, at, n);
                d.finish();
                byte[] tmp = new byte[n + 1024];
                int k = d.deflate(tmp);
                d.end();
                packed = new byte[k + 2];
                packed[0] = 'C';
                packed[1] = 'K';
                System.arraycopy(tmp, 0, packed, 2, k);
            } else {
                packed = java.util.Arrays.copyOfRange(folderData, at, at + n);
            }
            byte[] h = new byte[8];
            put16(h, 4, packed.length);
            put16(h, 6, n);
            blocks.writeBytes(h);
            blocks.writeBytes(packed);
            count++;
        }
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        for (CabFile f : files) {
            byte[] e = new byte[16];
            put32(e, 0, f.size());
            put32(e, 4, f.offset());
            table.writeBytes(e);
            table.writeBytes(f.name().getBytes(StandardCharsets.US_ASCII));
            table.write(0);
        }
        int filesAt = 36 + 8;
        int dataAt = filesAt + table.size();
        byte[] cab = new byte[dataAt + blocks.size()];
        put32(cab, 0, 0x4643534dL);
        put32(cab, 8, cab.length);
        put32(cab, 16, filesAt);
        cab[24] = 3;
        cab[25] = 1;
        put16(cab, 26, 1);
        put16(cab, 28, files.size());
        put32(cab, 36, dataAt);
        put16(cab, 40, count);
        put16(cab, 42, mszip ? 1 : 0);
        System.arraycopy(table.toByteArray(), 0, cab, filesAt, table.size());
        System.arraycopy(blocks.toByteArray(), 0, cab, dataAt, blocks.size());
        return cab;
    }

    /** An SZDD file storing {@code data} as literals, then {@code matches} extra 18-byte window copies. */
    static byte[] szdd(byte[] data, long declared, int matches) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = new byte[14];
        put32(h, 0, 0x44445a53L);
        put32(h, 4, 0x3327f088L);
        put16(h, 8, 0x0041);
        put32(h, 10, declared);
        out.writeBytes(h);
        int i = 0;
        while (i < data.length) {
            int n = Math.min(8, data.length - i);
            out.write((1 << n) - 1);
            out.write(data, i, n);
            i += n;
        }
        for (int m = 0; m < matches; m += 8) {
            out.write(0);
            for (int k = 0; k < 8; k++) {
                out.write(0);
                out.write(0x0f);
            }
        }
        return out.toByteArray();
    }

    /** Directory record for {@link #iso}: name, extent (block), size, directory flag. */
    record IsoRecord(String name, long extent, long size, boolean directory) {
    }

    /**
     * A 2048-byte-sector ISO image: primary descriptor at block 16, terminator at 17, root directory at block 18
     * holding {@code root}; {@code blocks} are placed from block 19 on.
     */
    static byte[] iso(List<IsoRecord> root, List<byte[]> blocks) {
        byte[] img = new byte[2048 * (19 + blocks.size())];
        int pvd = 16 * 2048;
        img[pvd] = 1;
        System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, img, pvd + 1, 5);
        img[pvd + 6] = 1;
        put16(img, pvd + 128, 2048);
        System.arraycopy(directoryRecord(new IsoRecord("\0", 18, 2048, true)), 0, img, pvd + 156, 34);
        int term = 17 * 2048;
        img[term] = (byte) 0xff;
        System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, img, term + 1, 5);
        int at = 18 * 2048;
        for (IsoRecord r : root) {
            byte[] rec = directoryRecord(r);
            System.arraycopy(rec, 0, img, at, rec.length);
            at += rec.length;
        }
        for (int i = 0; i < blocks.size(); i++) {
            byte[] b = blocks.get(i);
            System.arraycopy(b, 0, img, (19 + i) * 2048, Math.min(2048, b.length));
        }
        return img;
    }

    static byte[] directoryRecord(IsoRecord r) {
        byte[] name = r.name().getBytes(StandardCharsets.ISO_8859_1);
        int len = 33 + name.length + (name.length % 2 == 0 ? 1 : 0);
        byte[] rec = new byte[len];
        rec[0] = (byte) len;
        put32(rec, 2, r.extent());
        put32(rec, 10, r.size());
        rec[25] = (byte) (r.directory() ? 2 : 0);
        rec[32] = (byte) name.length;
        System.arraycopy(name, 0, rec, 33, name.length);
        return rec;
    }
}
