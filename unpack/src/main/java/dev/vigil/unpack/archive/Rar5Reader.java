package dev.vigil.unpack.archive;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.EntryMetadata;
import dev.vigil.unpack.Inputs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * RAR 5.0 archives, own reader (junrar's RAR5 support is recent; this reader keeps every block under Vigil's own
 * bounds): block headers with vint fields, each checked against its CRC32, walked one by one; stored (method 0)
 * entries are extracted, compressed ones are reported as not supported; encrypted headers and entries are reported
 * as encrypted. Nothing a header declares sizes a buffer beyond {@value #MAX_HEADER} bytes.
 */
final class Rar5Reader {
    static final byte[] SIGNATURE = {0x52, 0x61, 0x72, 0x21, 0x1a, 0x07, 0x01, 0x00};
    /** The format's own ceiling: a header size field of at most 3 vint bytes, 2 MiB. */
    static final int MAX_HEADER = 1 << 21;
    private static final String TYPE = "CL_TYPE_RAR";

    private static final int HEAD_MAIN = 1;
    private static final int HEAD_FILE = 2;
    private static final int HEAD_SERVICE = 3;
    private static final int HEAD_CRYPT = 4;
    private static final int HEAD_END = 5;

    private static final int FLAG_EXTRA = 0x01;
    private static final int FLAG_DATA = 0x02;
    private static final int FLAG_SPLIT_BEFORE = 0x08;
    private static final int FLAG_SPLIT_AFTER = 0x10;

    private static final int FILE_DIRECTORY = 0x01;
    private static final int FILE_MTIME = 0x02;
    private static final int FILE_CRC = 0x04;

    private static final int EXTRA_CRYPT = 0x01;

    private final ScanInput input;
    private final ChildSink sink;

    private Rar5Reader(ScanInput input, ChildSink sink) {
        this.input = input;
        this.sink = sink;
    }

    static boolean isRar5(ScanInput input) throws IOException {
        return input.size() >= SIGNATURE.length
                && java.util.Arrays.equals(input.readFully(0, SIGNATURE.length), SIGNATURE);
    }

    static void read(ScanInput input, ChildSink sink) throws IOException {
        new Rar5Reader(input, sink).walk();
    }

    private void walk() throws IOException {
        int maxFiles = sink.limits().maxFiles();
        // Every block costs a header read; a file of millions of empty blocks stops here instead of churning.
        long maxBlocks = maxFiles > 0 ? 4L * maxFiles + 64 : Long.MAX_VALUE;
        long pos = SIGNATURE.length;
        int position = 0;
        int files = 0;
        boolean volume = false;
        for (long blocks = 0; pos < input.size(); blocks++) {
            if (blocks >= maxBlocks) {
                sink.limitExceeded("MaxFiles", "RAR5 archive has more than " + maxBlocks + " blocks");
                return;
            }
            Block b = block(pos);
            if (b == null) {
                return;
            }
            long next = b.dataStart + b.dataSize;
            switch (b.type) {
                case HEAD_MAIN -> {
                    Fields f = b.fields();
                    long archiveFlags = f.vint();
                    volume = (archiveFlags & 0x01) != 0;
                }
                case HEAD_CRYPT -> {
                    // Everything after this block is encrypted: nothing more can be read without the password.
                    sink.encrypted("(encrypted RAR5 headers)");
                    return;
                }
                case HEAD_END -> {
                    return;
                }
                case HEAD_FILE -> {
                    position++;
                    if (maxFiles > 0 && ++files > maxFiles) {
                        sink.limitExceeded("MaxFiles", "RAR5 archive lists more than " + maxFiles + " entries");
                        return;
                    }
                    if (!entry(b, position, volume)) {
                        return;
                    }
                }
                case HEAD_SERVICE -> {
                    // Service blocks (comments, ACLs, streams, quick-open copies of headers) hold no file content
                    // that ClamAV scans as a file; skipped.
                }
                default -> {
                    // Unknown block types are skipped by their declared sizes, as the format asks.
                }
            }
            if (next <= pos) {
                sink.error("RAR5 block at " + pos + " does not advance");
                return;
            }
            pos = next;
        }
    }

    /** Handles one file block; false when the unpacker must stop. */
    private boolean entry(Block b, int position, boolean volume) throws IOException {
        Fields f = b.fields();
        long fileFlags = f.vint();
        long unpackedSize = f.vint();
        f.vint(); // attributes
        if ((fileFlags & FILE_MTIME) != 0) {
            f.skip(4);
        }
        long crc = (fileFlags & FILE_CRC) != 0 ? f.u32() : -1;
        long compression = f.vint();
        f.vint(); // host OS
        long nameLength = f.vint();
        String name = f.utf8(nameLength);
        boolean encrypted = b.extraSize > 0 && hasExtraRecord(b, EXTRA_CRYPT);
        if ((fileFlags & FILE_DIRECTORY) != 0) {
            return true;
        }
        if (!sink.metadata(new EntryMetadata(name, b.dataSize, unpackedSize, encrypted, position))) {
            return false;
        }
        if (encrypted) {
            sink.encrypted(name);
            return true;
        }
        if ((b.flags & (FLAG_SPLIT_BEFORE | FLAG_SPLIT_AFTER)) != 0) {
            sink.error(name + ": RAR5 entry continues in another volume of a multi-volume archive; not scannable"
                    + (volume ? "" : " (archive not marked as a volume)"));
            return true;
        }
        int method = (int) (compression >>> 7) & 0x7;
        if (method != 0) {
            sink.error(name + ": RAR5 compression not supported (method " + method + "); entry not scanned");
            return true;
        }
        long available = Math.max(0, Math.min(b.dataSize, input.size() - b.dataStart));
        if (available < b.dataSize) {
            sink.error(name + ": RAR5 entry truncated (" + available + " of " + b.dataSize + " bytes)");
        }
        CrcCheckingStream data = new CrcCheckingStream(Inputs.stream(input, b.dataStart, available));
        boolean goOn = sink.child(new Child(name, TYPE, unpackedSize), data);
        if (crc >= 0 && data.complete() && available == b.dataSize && data.crc() != crc) {
            sink.error(name + ": RAR5 data CRC32 mismatch");
        }
        return goOn;
    }

    private boolean hasExtraRecord(Block b, int wanted) throws IOException {
        Fields f = new Fields(b.header, b.header.length - (int) b.extraSize, b.header.length);
        while (f.remaining() > 0) {
            long size = f.vint();
            if (size <= 0 || size > f.remaining()) {
                throw new UnpackException("RAR5 extra record size " + size);
            }
            int end = f.pos + (int) size;
            long type = f.vint();
            if (type == wanted) {
                return true;
            }
            f.pos = end;
        }
        return false;
    }

    /** Reads and checks the block at {@code pos}; null (after reporting) when it cannot be read. */
    private Block block(long pos) throws IOException {
        byte[] head = input.readFully(pos, Math.min(4 + 3, (int) Math.min(Integer.MAX_VALUE, input.size() - pos)));
        if (head.length < 5) {
            sink.error("RAR5 block at " + pos + " truncated");
            return null;
        }
        Fields sizeField = new Fields(head, 4, head.length);
        long headerSize;
        try {
            headerSize = sizeField.vint();
        } catch (UnpackException e) {
            sink.error("RAR5 block size at " + pos + ": " + e.getMessage());
            return null;
        }
        if (sizeField.pos - 4 > 3 || headerSize < 2 || headerSize > MAX_HEADER) {
            sink.error("RAR5 block at " + pos + " declares a header of " + headerSize + " bytes");
            return null;
        }
        int sizeLength = sizeField.pos - 4;
        long headerStart = pos + 4 + sizeLength;
        byte[] header = input.readFully(headerStart, (int) headerSize);
        if (header.length < headerSize) {
            sink.error("RAR5 block at " + pos + " truncated");
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(head, 4, sizeLength);
        crc.update(header);
        if (crc.getValue() != ZipDirectory.u32(head, 0)) {
            sink.error("RAR5 block at " + pos + ": header CRC32 mismatch");
            return null;
        }
        try {
            Fields f = new Fields(header, 0, header.length);
            int type = (int) Math.min(Integer.MAX_VALUE, f.vint());
            long flags = f.vint();
            long extraSize = (flags & FLAG_EXTRA) != 0 ? f.vint() : 0;
            long dataSize = (flags & FLAG_DATA) != 0 ? f.vint() : 0;
            if (extraSize > header.length - f.pos) {
                sink.error("RAR5 block at " + pos + ": extra area larger than its header");
                return null;
            }
            return new Block(type, flags, extraSize, dataSize, header, f.pos, headerStart + headerSize);
        } catch (UnpackException e) {
            sink.error("RAR5 block at " + pos + ": " + e.getMessage());
            return null;
        }
    }

    /** One block: its header bytes (from the type field on) and where its data area lies. */
    private record Block(int type, long flags, long extraSize, long dataSize, byte[] header, int fieldsStart,
                         long dataStart) {
        /** The type-specific fields, before the extra area. */
        Fields fields() {
            return new Fields(header, fieldsStart, header.length - (int) extraSize);
        }
    }

    /** A cursor over header bytes; reading past {@code end} is an {@link UnpackException}. */
    private static final class Fields {
        private final byte[] b;
        private final int end;
        private int pos;

        Fields(byte[] b, int from, int end) {
            this.b = b;
            this.pos = from;
            this.end = end;
        }

        int remaining() {
            return end - pos;
        }

        /** A vint: 7 bits a byte, least significant first; more than 10 bytes or 64 bits is malformed. */
        long vint() throws UnpackException {
            long value = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (pos >= end) {
                    throw new UnpackException("RAR5 header ends inside a number");
                }
                int v = b[pos++] & 0xff;
                if (shift == 63 && (v & 0x7e) != 0) {
                    throw new UnpackException("RAR5 number wider than 64 bits");
                }
                value |= (long) (v & 0x7f) << shift;
                if ((v & 0x80) == 0) {
                    if (value < 0) {
                        throw new UnpackException("RAR5 number out of range");
                    }
                    return value;
                }
            }
            throw new UnpackException("RAR5 number longer than 10 bytes");
        }

        long u32() throws UnpackException {
            need(4);
            long v = ZipDirectory.u32(b, pos);
            pos += 4;
            return v;
        }

        void skip(int n) throws UnpackException {
            need(n);
            pos += n;
        }

        String utf8(long length) throws UnpackException {
            if (length > remaining()) {
                throw new UnpackException("RAR5 name longer than its header");
            }
            String s = new String(b, pos, (int) length, StandardCharsets.UTF_8);
            pos += (int) length;
            return s;
        }

        private void need(int n) throws UnpackException {
            if (n > remaining()) {
                throw new UnpackException("RAR5 header too short");
            }
        }
    }

    /** Computes the CRC32 of what the sink reads, to compare with the header's once the entry was read whole. */
    private static final class CrcCheckingStream extends FilterInputStream {
        private final CRC32 crc = new CRC32();
        private boolean complete;

        CrcCheckingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n < 0) {
                complete = true;
            } else {
                crc.update(buf, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) {
            return 0;
        }

        boolean complete() {
            return complete;
        }

        long crc() {
            return crc.getValue();
        }
    }

    /** Thrown for malformed header fields; caught where a block is read. */
    private static final class UnpackException extends dev.vigil.unpack.UnpackException {
        UnpackException(String message) {
            super(message);
        }
    }
}
