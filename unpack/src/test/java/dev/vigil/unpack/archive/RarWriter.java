package dev.vigil.unpack.archive;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Builds RAR test archives with stored entries (no rar program is installed): RAR 5.0 blocks with vint fields and
 * CRC32s, and RAR 1.5-4.x blocks with CRC16s (method 0x30, "store"). Flags and sizes can be set to lie.
 */
public final class RarWriter {
    private RarWriter() {
    }

    // ---- RAR 5.0 ----

    /** A RAR5 archive builder; blocks are appended in order. */
    public static final class Rar5 {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Rar5() {
            out.writeBytes(Rar5Reader.SIGNATURE);
        }

        public Rar5 main(long archiveFlags) {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            vint(f, archiveFlags);
            block(1, 0, f.toByteArray(), new byte[0], null);
            return this;
        }

        public Rar5 stored(String name, byte[] data) {
            return file(name, data, 0, 0, data.length, null, true);
        }

        /**
         * A file block. {@code method} goes to the compression info, {@code blockFlags} are added to the header
         * flags (split bits), {@code declaredSize} is the unpacked size written, {@code extra} an extra area.
         */
        public Rar5 file(String name, byte[] data, int method, long blockFlags, long declaredSize, byte[] extra,
                         boolean withCrc) {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            vint(f, withCrc ? 0x04 : 0);
            vint(f, declaredSize);
            vint(f, 0x20);
            if (withCrc) {
                CRC32 c = new CRC32();
                c.update(data);
                u32(f, c.getValue());
            }
            vint(f, (long) method << 7);
            vint(f, 1); // Unix
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            vint(f, n.length);
            f.writeBytes(n);
            block(2, blockFlags, f.toByteArray(), data, extra);
            return this;
        }

        /**
         * A compressed file block: {@code packed} is the data area as a RAR5 compressor wrote it,
         * {@code compressionInfo} the field as written (method, dictionary size, solid flag); no CRC32.
         */
        public Rar5 compressed(String name, byte[] packed, long compressionInfo, long declaredSize) {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            vint(f, 0);
            vint(f, declaredSize);
            vint(f, 0x20);
            vint(f, compressionInfo);
            vint(f, 1); // Unix
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            vint(f, n.length);
            f.writeBytes(n);
            block(2, 0, f.toByteArray(), packed, null);
            return this;
        }

        /** A file block whose extra area carries an encryption record (the record's contents are not read). */
        public Rar5 encryptedFile(String name, byte[] data) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            ByteArrayOutputStream rec = new ByteArrayOutputStream();
            vint(rec, 1); // type: file encryption
            rec.writeBytes(new byte[] {0, 0, 15});
            rec.writeBytes(new byte[16 + 16]);
            vint(e, rec.size());
            e.writeBytes(rec.toByteArray());
            return file(name, data, 0, 0, data.length, e.toByteArray(), false);
        }

        public Rar5 encryptionHeader() {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            vint(f, 0); // version
            vint(f, 0); // flags
            f.write(15);
            f.writeBytes(new byte[16]);
            block(4, 0, f.toByteArray(), new byte[0], null);
            return this;
        }

        public Rar5 end() {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            vint(f, 0);
            block(5, 0, f.toByteArray(), new byte[0], null);
            return this;
        }

        /** Raw bytes, for damaged archives. */
        public Rar5 raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }

        private void block(int type, long extraFlags, byte[] fields, byte[] data, byte[] extra) {
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            vint(h, type);
            long flags = extraFlags | (extra != null ? 0x01 : 0) | (data.length > 0 || type == 2 ? 0x02 : 0);
            vint(h, flags);
            if (extra != null) {
                vint(h, extra.length);
            }
            if ((flags & 0x02) != 0) {
                vint(h, data.length);
            }
            h.writeBytes(fields);
            if (extra != null) {
                h.writeBytes(extra);
            }
            byte[] header = h.toByteArray();
            ByteArrayOutputStream size = new ByteArrayOutputStream();
            vint(size, header.length);
            CRC32 c = new CRC32();
            c.update(size.toByteArray());
            c.update(header);
            u32(out, c.getValue());
            out.writeBytes(size.toByteArray());
            out.writeBytes(header);
            out.writeBytes(data);
        }
    }

    public static void vint(ByteArrayOutputStream o, long v) {
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            o.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    static void u32(ByteArrayOutputStream o, long v) {
        for (int i = 0; i < 4; i++) {
            o.write((int) (v >>> (8 * i)));
        }
    }

    static void u16(ByteArrayOutputStream o, int v) {
        o.write(v);
        o.write(v >>> 8);
    }

    // ---- RAR 1.5-4.x ----

    /** A RAR4 archive builder with stored entries. */
    public static final class Rar4 {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Rar4(int mainFlags) {
            out.writeBytes(Rar4Blocks.SIGNATURE);
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            u16(m, 0);
            u32(m, 0);
            block(0x73, mainFlags, m.toByteArray(), new byte[0], false);
        }

        public Rar4 stored(String name, byte[] data) {
            return file(name, data, 0, data.length);
        }

        /** A stored file block with extra {@code fileFlags} (0x04 encrypted, 0x01/0x02 split) and a declared size. */
        public Rar4 file(String name, byte[] data, int fileFlags, long declaredSize) {
            return file(name, data, fileFlags, declaredSize, 0x30);
        }

        /** As above with a method byte: 0x31-0x35 make junrar decode {@code data} as compressed (garbage here). */
        public Rar4 file(String name, byte[] data, int fileFlags, long declaredSize, int method) {
            byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            u32(f, data.length); // packed size
            u32(f, declaredSize);
            f.write(3); // Unix
            CRC32 c = new CRC32();
            c.update(data);
            u32(f, c.getValue());
            u32(f, 0x5a000000L); // DOS time
            f.write(29); // version to extract
            f.write(method);
            u16(f, n.length);
            u32(f, 0x81a4);
            f.writeBytes(n);
            block(0x74, 0x8000 | fileFlags, f.toByteArray(), data, true);
            return this;
        }

        public Rar4 end() {
            block(0x7b, 0x4000, new byte[0], new byte[0], false);
            return this;
        }

        public byte[] bytes() {
            return out.toByteArray();
        }

        private void block(int type, int flags, byte[] fields, byte[] data, boolean packSizeInFields) {
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            h.write(type);
            u16(h, flags);
            u16(h, 7 + fields.length);
            h.writeBytes(fields);
            byte[] header = h.toByteArray();
            CRC32 c = new CRC32();
            c.update(header);
            u16(out, (int) (c.getValue() & 0xffff));
            out.writeBytes(header);
            out.writeBytes(data);
        }
    }
}
