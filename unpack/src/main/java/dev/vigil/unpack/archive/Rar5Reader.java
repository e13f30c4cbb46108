package dev.vigil.unpack.archive;

import com.github.junrar.rarfile.FileHeader;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.EntryMetadata;
import dev.vigil.unpack.Inputs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * RAR 5.0 archives. Vigil walks the blocks itself first: headers with vint fields, each checked against its CRC32
 * before any field is used, nothing a header declares sizing a buffer beyond {@value #MAX_HEADER} bytes, at most
 * MaxFiles file blocks and 4 x MaxFiles + 64 blocks in all. The walk lists the entries and finds where the readable
 * part of the archive ends (before a malformed block, an encryption header or the entries past MaxFiles). Then, in
 * archive order: stored (method 0) entries are copied by Vigil (their CRC32 checked after the scan), compressed ones
 * are decoded by junrar's RAR5 decoder through {@link GuardedJunrar}, which sees the archive only up to that end;
 * encrypted headers and entries are reported as encrypted, entries split across volumes as not scannable.
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
    /** Compression information: the entry continues the dictionary of the entries before it. */
    private static final int SOLID = 0x40;

    private static final int EXTRA_CRYPT = 0x01;
    /** The entry is an older version of a file; unrar (and junrar, bsdtar) name it {@code name;N}. */
    private static final int EXTRA_VERSION = 0x04;
    /** A link (symbolic, junction, hard) or a copy of another entry: no content of its own. */
    private static final int EXTRA_REDIRECTION = 0x05;
    /**
     * Headers kept in all, Vigil's list and junrar's: with MaxFiles entries of up to 2 MiB of header each, a hostile
     * archive could otherwise make both hold gigabytes of names. Real archives need a few hundred bytes an entry.
     */
    static final long MAX_HEADER_BYTES = 64L << 20;

    private final ScanInput input;
    private final ChildSink sink;
    private final List<Entry> entries = new ArrayList<>();
    /** Where the readable part of the archive ends: junrar never sees anything after it. */
    private long end;
    /** What stopped the walk early, reported after the entries before it were scanned; null when nothing did. */
    private Runnable stopReport;

    private Rar5Reader(ScanInput input, ChildSink sink) {
        this.input = input;
        this.sink = sink;
    }

    static boolean isRar5(ScanInput input) throws IOException {
        return input.size() >= SIGNATURE.length
                && java.util.Arrays.equals(input.readFully(0, SIGNATURE.length), SIGNATURE);
    }

    static void read(ScanInput input, ChildSink sink) throws IOException {
        Rar5Reader reader = new Rar5Reader(input, sink);
        reader.walk();
        reader.extract();
        if (reader.stopReport != null) {
            reader.stopReport.run();
        }
    }

    private void walk() throws IOException {
        int maxFiles = sink.limits().maxFiles();
        // Every block costs a header read; a file of millions of empty blocks stops here instead of churning.
        long maxBlocks = maxFiles > 0 ? 4L * maxFiles + 64 : Long.MAX_VALUE;
        long pos = SIGNATURE.length;
        end = pos;
        int files = 0;
        long headerBytes = 0;
        boolean volume = false;
        for (long blocks = 0; pos < input.size(); blocks++) {
            if (blocks >= maxBlocks) {
                stopReport = () -> sink.limitExceeded("MaxFiles", "RAR5 archive has more than " + maxBlocks
                        + " blocks");
                return;
            }
            Block b = block(pos);
            if (b == null) {
                return;
            }
            headerBytes += b.header.length;
            if (headerBytes > MAX_HEADER_BYTES) {
                stop("RAR5 headers take more than " + MAX_HEADER_BYTES + " bytes in all; the rest of the archive"
                        + " (from " + pos + ") is not read");
                return;
            }
            long next = b.dataStart + b.dataSize;
            if (next <= pos) {
                stop("RAR5 block at " + pos + " does not advance");
                return;
            }
            switch (b.type) {
                case HEAD_MAIN -> {
                    try {
                        volume = (b.fields().vint() & 0x01) != 0;
                    } catch (UnpackException e) {
                        stop("RAR5 main header at " + pos + ": " + e.getMessage());
                        return;
                    }
                }
                case HEAD_CRYPT -> {
                    // Everything after this block is encrypted: nothing more can be read without the password.
                    stopReport = () -> sink.encrypted("(encrypted RAR5 headers)");
                    return;
                }
                case HEAD_END -> {
                    end = Math.min(next, input.size());
                    return;
                }
                case HEAD_FILE -> {
                    if (maxFiles > 0 && ++files > maxFiles) {
                        stopReport = () -> sink.limitExceeded("MaxFiles", "RAR5 archive lists more than " + maxFiles
                                + " entries");
                        return;
                    }
                    Entry e = entry(b, pos, volume);
                    if (e == null) {
                        return;
                    }
                    entries.add(e);
                }
                case HEAD_SERVICE -> {
                    // Service blocks (comments, ACLs, streams, quick-open copies of headers) hold no file content
                    // that ClamAV scans as a file; skipped.
                }
                default -> {
                    // Unknown block types are skipped by their declared sizes, as the format asks.
                }
            }
            end = Math.min(next, input.size());
            pos = next;
        }
        // RAR5 always closes with an end-of-archive block: without it the archive was cut (at a block boundary,
        // or inside the last block's data, which that entry's extraction reports as well).
        stop("RAR5 archive ends without its end-of-archive block (truncated)");
    }

    /** The file block's fields; null (after arranging the report) when they are malformed. */
    private Entry entry(Block b, long pos, boolean volume) {
        try {
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
            boolean encrypted = b.extraSize > 0 && extraRecord(b, EXTRA_CRYPT) != null;
            boolean link = b.extraSize > 0 && extraRecord(b, EXTRA_REDIRECTION) != null;
            Fields version = b.extraSize > 0 ? extraRecord(b, EXTRA_VERSION) : null;
            if (version != null) {
                version.vint(); // flags
                long n = version.vint();
                if (n != 0) {
                    name = name + ";" + n;
                }
            }
            return new Entry(name, b.dataStart, b.dataSize, unpackedSize, crc, (int) (compression >>> 7) & 0x7,
                    (compression & SOLID) != 0, encrypted,
                    (b.flags & (FLAG_SPLIT_BEFORE | FLAG_SPLIT_AFTER)) != 0, volume,
                    (fileFlags & FILE_DIRECTORY) != 0, link);
        } catch (UnpackException e) {
            stop("RAR5 file block at " + pos + ": " + e.getMessage());
            return null;
        }
    }

    private void extract() throws IOException {
        Decoder decoder = new Decoder();
        try {
            int position = 0;
            String brokenSolid = null;
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (e.directory || e.link) {
                    // A link's data, if any, is its target's name; what it points to is scanned where it is.
                    continue;
                }
                if (!sink.metadata(new EntryMetadata(e.name, e.dataSize, e.unpackedSize, e.encrypted,
                        ++position))) {
                    return;
                }
                if (e.encrypted) {
                    sink.encrypted(e.name);
                    continue;
                }
                if (e.split) {
                    sink.error(e.name + ": RAR5 entry continues in another volume of a multi-volume archive;"
                            + " not scannable" + (e.volume ? "" : " (archive not marked as a volume)"));
                    continue;
                }
                if (e.method == 0) {
                    if (!unstore(e)) {
                        return;
                    }
                    continue;
                }
                if (e.solid && brokenSolid != null) {
                    sink.error("solid RAR5: entries after " + brokenSolid + " depend on it and are not extracted");
                    return;
                }
                GuardedJunrar.Outcome outcome = decoder.decode(e, continuedAfter(i));
                if (outcome == GuardedJunrar.Outcome.STOP) {
                    return;
                }
                brokenSolid = outcome == GuardedJunrar.Outcome.BROKEN ? e.name : null;
            }
        } finally {
            decoder.close();
        }
    }

    /**
     * Whether a later compressed entry continues the dictionary of entry {@code i} (RAR5 marks solid entries, not
     * archives): then entry {@code i} must be decoded to its end even when the sink stops reading it early.
     */
    private boolean continuedAfter(int i) {
        for (int k = i + 1; k < entries.size(); k++) {
            Entry next = entries.get(k);
            if (next.method != 0 && !next.directory && !next.link) {
                return next.solid;
            }
        }
        return false;
    }

    /** A stored entry, copied from the archive; false when the sink says to stop. */
    private boolean unstore(Entry e) throws IOException {
        long available = Math.max(0, Math.min(e.dataSize, input.size() - e.dataStart));
        if (available < e.dataSize) {
            sink.error(e.name + ": RAR5 entry truncated (" + available + " of " + e.dataSize + " bytes)");
        }
        CrcCheckingStream data = new CrcCheckingStream(Inputs.stream(input, e.dataStart, available));
        boolean goOn = sink.child(new Child(e.name, TYPE, e.unpackedSize), data);
        if (e.crc >= 0 && data.complete() && available == e.dataSize && data.crc() != e.crc) {
            sink.error(e.name + ": RAR5 data CRC32 mismatch");
        }
        return goOn;
    }

    /**
     * junrar, opened on the first compressed entry (archives of stored entries never start it) over the part of
     * the archive the walk accepted; its entries are matched to the walk's by where their data starts.
     */
    private final class Decoder {
        private GuardedJunrar archive;
        private Map<Long, FileHeader> byDataStart;
        private String openFailure;

        GuardedJunrar.Outcome decode(Entry e, boolean continued) throws IOException {
            if (openFailure == null && archive == null) {
                try {
                    archive = GuardedJunrar.open(input, end, sink.limits().maxScanTime());
                    byDataStart = new HashMap<>();
                    for (FileHeader h : archive.fileHeaders()) {
                        byDataStart.putIfAbsent(h.getDataStartOffset(false), h);
                    }
                } catch (IOException ex) {
                    openFailure = ex.getMessage();
                }
            }
            if (openFailure != null) {
                sink.error(e.name + ": RAR5 headers rejected by the decoder: " + openFailure);
                return GuardedJunrar.Outcome.BROKEN;
            }
            FileHeader h = byDataStart.get(e.dataStart);
            if (h == null) {
                sink.error(e.name + ": RAR5 entry not found by the decoder");
                return GuardedJunrar.Outcome.BROKEN;
            }
            return archive.extract(h, e.name, TYPE, sink, continued);
        }

        void close() throws IOException {
            if (archive != null) {
                archive.close();
            }
        }
    }

    /** A file block as the walk read it. */
    private record Entry(String name, long dataStart, long dataSize, long unpackedSize, long crc, int method,
                         boolean solid, boolean encrypted, boolean split, boolean volume, boolean directory,
                         boolean link) {
    }

    /** The fields of the first extra record of type {@code wanted} (after its type), or null if there is none. */
    private Fields extraRecord(Block b, int wanted) throws UnpackException {
        Fields f = new Fields(b.header, b.header.length - (int) b.extraSize, b.header.length);
        while (f.remaining() > 0) {
            long size = f.vint();
            if (size <= 0 || size > f.remaining()) {
                throw new UnpackException("RAR5 extra record size " + size);
            }
            int end = f.pos + (int) size;
            long type = f.vint();
            if (type == wanted) {
                return new Fields(b.header, f.pos, end);
            }
            f.pos = end;
        }
        return null;
    }

    /** Reads and checks the block at {@code pos}; null (after arranging the report) when it cannot be read. */
    private Block block(long pos) throws IOException {
        byte[] head = input.readFully(pos, Math.min(4 + 3, (int) Math.min(Integer.MAX_VALUE, input.size() - pos)));
        if (head.length < 5) {
            stop("RAR5 block at " + pos + " truncated");
            return null;
        }
        Fields sizeField = new Fields(head, 4, head.length);
        long headerSize;
        try {
            headerSize = sizeField.vint();
        } catch (UnpackException e) {
            stop("RAR5 block size at " + pos + ": " + e.getMessage());
            return null;
        }
        if (sizeField.pos - 4 > 3 || headerSize < 2 || headerSize > MAX_HEADER) {
            stop("RAR5 block at " + pos + " declares a header of " + headerSize + " bytes");
            return null;
        }
        int sizeLength = sizeField.pos - 4;
        long headerStart = pos + 4 + sizeLength;
        byte[] header = input.readFully(headerStart, (int) headerSize);
        if (header.length < headerSize) {
            stop("RAR5 block at " + pos + " truncated");
            return null;
        }
        CRC32 crc = new CRC32();
        crc.update(head, 4, sizeLength);
        crc.update(header);
        if (crc.getValue() != ZipDirectory.u32(head, 0)) {
            stop("RAR5 block at " + pos + ": header CRC32 mismatch");
            return null;
        }
        try {
            Fields f = new Fields(header, 0, header.length);
            int type = (int) Math.min(Integer.MAX_VALUE, f.vint());
            long flags = f.vint();
            long extraSize = (flags & FLAG_EXTRA) != 0 ? f.vint() : 0;
            long dataSize = (flags & FLAG_DATA) != 0 ? f.vint() : 0;
            if (extraSize > header.length - f.pos) {
                stop("RAR5 block at " + pos + ": extra area larger than its header");
                return null;
            }
            return new Block(type, flags, extraSize, dataSize, header, f.pos, headerStart + headerSize);
        } catch (UnpackException e) {
            stop("RAR5 block at " + pos + ": " + e.getMessage());
            return null;
        }
    }

    /** Ends the walk with an error, reported after the entries before it were scanned. */
    private void stop(String detail) {
        stopReport = () -> sink.error(detail);
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
