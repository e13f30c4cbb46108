package dev.vigil.unpack.archive;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a zip file's central directory, record by record, without trusting any count or size in it: at most
 * {@code maxRecords} records are kept, each small, so memory stays bounded whatever the archive claims.
 */
final class ZipDirectory {
    static final int LOCAL_SIG = 0x04034b50;
    static final int CENTRAL_SIG = 0x02014b50;
    static final int END_SIG = 0x06054b50;
    static final int ZIP64_LOCATOR_SIG = 0x07064b50;
    static final int ZIP64_END_SIG = 0x06064b50;
    private static final int END_MIN = 22;
    private static final int MAX_COMMENT = 0xffff;

    /**
     * One central directory record.
     *
     * @param localOffset     where its local header starts (already corrected for data prepended to the archive)
     * @param localHeaderSize the local header's length, name and extra field included (-1 if unreadable)
     */
    record Entry(String name, int flags, int method, long compressedSize, long size, long localOffset,
                 long localHeaderSize) {
        boolean encrypted() {
            return (flags & 1) != 0;
        }

        boolean directory() {
            return name.endsWith("/") && size == 0;
        }

        long dataOffset() {
            return localOffset + localHeaderSize;
        }
    }

    /** The records read, and whether more were present than were kept. */
    record Listing(List<Entry> entries, boolean truncated) {
    }

    private ZipDirectory() {
    }

    /** Finds the end-of-central-directory record; -1 if there is none. */
    static long findEnd(ScanInput in) throws IOException {
        long size = in.size();
        if (size < END_MIN) {
            return -1;
        }
        long from = Math.max(0, size - END_MIN - MAX_COMMENT);
        byte[] tail = in.readFully(from, (int) (size - from));
        for (int i = tail.length - END_MIN; i >= 0; i--) {
            if (tail[i] == 'P' && tail[i + 1] == 'K' && tail[i + 2] == 5 && tail[i + 3] == 6) {
                return from + i;
            }
        }
        return -1;
    }

    /** Reads up to {@code maxRecords} records; null when there is no usable central directory. */
    static Listing read(ScanInput in, int maxRecords) throws IOException {
        long end = findEnd(in);
        if (end < 0) {
            return null;
        }
        byte[] e = in.readFully(end, END_MIN);
        long cdSize = u32(e, 12);
        long cdOffset = u32(e, 16);
        long declared = u16(e, 10);
        if (end >= 20) {
            byte[] loc = in.readFully(end - 20, 20);
            if (loc.length == 20 && i32(loc, 0) == ZIP64_LOCATOR_SIG && i64(loc, 8) >= 0) {
                long z64 = i64(loc, 8);
                byte[] z = in.readFully(z64, 56);
                if (z.length == 56 && i32(z, 0) == ZIP64_END_SIG) {
                    declared = i64(z, 32);
                    cdSize = i64(z, 40);
                    cdOffset = i64(z, 48);
                }
            }
        }
        // Data prepended to the archive (a self-extractor stub) shifts every offset by the same amount.
        long shift = 0;
        if (!signatureAt(in, cdOffset, CENTRAL_SIG)) {
            long actual = end - cdSize;
            if (actual >= 0 && signatureAt(in, actual, CENTRAL_SIG)) {
                shift = actual - cdOffset;
                cdOffset = actual;
            } else if (declared != 0) {
                return null;
            }
        }
        List<Entry> entries = new ArrayList<>();
        long pos = cdOffset;
        byte[] fixed = new byte[46];
        boolean truncated = false;
        while (pos >= 0 && pos + 46 <= in.size()) {
            if (in.read(pos, fixed, 0, 46) < 46 || i32(fixed, 0) != CENTRAL_SIG) {
                break;
            }
            int flags = u16(fixed, 8);
            int method = u16(fixed, 10);
            long csize = u32(fixed, 20);
            long usize = u32(fixed, 24);
            int nameLen = u16(fixed, 28);
            int extraLen = u16(fixed, 30);
            int commentLen = u16(fixed, 32);
            long local = u32(fixed, 42);
            byte[] nameBytes = in.readFully(pos + 46, nameLen);
            byte[] extra = in.readFully(pos + 46 + nameLen, extraLen);
            // Zip64: the fields stored as 0xffffffff come, in this order, from extra field 0x0001.
            int x = findExtra(extra, 0x0001);
            if (x >= 0) {
                int dataEnd = x + 4 + u16(extra, x + 2);
                int p = x + 4;
                if (usize == 0xffffffffL && p + 8 <= dataEnd) {
                    usize = i64(extra, p);
                    p += 8;
                }
                if (csize == 0xffffffffL && p + 8 <= dataEnd) {
                    csize = i64(extra, p);
                    p += 8;
                }
                if (local == 0xffffffffL && p + 8 <= dataEnd) {
                    local = i64(extra, p);
                }
            }
            Charset cs = (flags & 0x800) != 0 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
            String name = new String(nameBytes, cs);
            long localOffset = local + shift;
            entries.add(new Entry(name, flags, method, csize, usize, localOffset, localHeaderSize(in, localOffset)));
            pos += 46L + nameLen + extraLen + commentLen;
            // ClamAV stops indexing, and reports MaxFiles, once the count reaches the limit.
            if (entries.size() >= maxRecords) {
                truncated = true;
                break;
            }
        }
        return new Listing(entries, truncated);
    }

    static long localHeaderSize(ScanInput in, long offset) throws IOException {
        if (offset < 0) {
            return -1;
        }
        byte[] h = in.readFully(offset, 30);
        if (h.length < 30 || i32(h, 0) != LOCAL_SIG) {
            return -1;
        }
        return 30L + u16(h, 26) + u16(h, 28);
    }

    private static int findExtra(byte[] extra, int id) {
        int p = 0;
        while (p + 4 <= extra.length) {
            int len = u16(extra, p + 2);
            if (u16(extra, p) == id) {
                return p + 4 + len <= extra.length ? p : -1;
            }
            p += 4 + len;
        }
        return -1;
    }

    static boolean signatureAt(ScanInput in, long pos, int sig) throws IOException {
        if (pos < 0) {
            return false;
        }
        byte[] b = in.readFully(pos, 4);
        return b.length == 4 && i32(b, 0) == sig;
    }

    static int u16(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
    }

    static int i32(byte[] b, int p) {
        return u16(b, p) | u16(b, p + 2) << 16;
    }

    static long u32(byte[] b, int p) {
        return i32(b, p) & 0xffffffffL;
    }

    static long i64(byte[] b, int p) {
        return u32(b, p) | u32(b, p + 4) << 32;
    }
}
