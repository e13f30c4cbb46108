package dev.vigil.yara.modules.dotnet;

import dev.vigil.yara.modules.StructValue;

/**
 * The CLI header, metadata root, stream headers, #GUID, #US and the #~ table stream, parsed the way YARA 4.5.2's
 * dotnet module does (including its tolerances and its limits), so that the same values come out.
 */
final class CliMetadata {
    // Metadata table numbers (ECMA-335 II.22), i.e. bits of the #~ Valid mask.
    static final int MODULE = 0x00, TYPEREF = 0x01, TYPEDEF = 0x02, FIELDPTR = 0x03, FIELD = 0x04,
            METHODDEFPTR = 0x05, METHODDEF = 0x06, PARAM = 0x08, INTERFACEIMPL = 0x09, MEMBERREF = 0x0A,
            CONSTANT = 0x0B, CUSTOMATTRIBUTE = 0x0C, FIELDMARSHAL = 0x0D, DECLSECURITY = 0x0E, CLASSLAYOUT = 0x0F,
            FIELDLAYOUT = 0x10, STANDALONESIG = 0x11, EVENTMAP = 0x12, EVENTPTR = 0x13, EVENT = 0x14,
            PROPERTYMAP = 0x15, PROPERTYPTR = 0x16, PROPERTY = 0x17, METHODSEMANTICS = 0x18, METHODIMPL = 0x19,
            MODULEREF = 0x1A, TYPESPEC = 0x1B, IMPLMAP = 0x1C, FIELDRVA = 0x1D, ENCLOG = 0x1E, ENCMAP = 0x1F,
            ASSEMBLY = 0x20, ASSEMBLYPROCESSOR = 0x21, ASSEMBLYOS = 0x22, ASSEMBLYREF = 0x23,
            ASSEMBLYREFPROCESSOR = 0x24, ASSEMBLYREFOS = 0x25, FILE = 0x26, EXPORTEDTYPE = 0x27,
            MANIFESTRESOURCE = 0x28, NESTEDCLASS = 0x29, GENERICPARAM = 0x2A, METHODSPEC = 0x2B,
            GENERICPARAMCONSTRAINT = 0x2C;

    /** YARA gives up on a table stream claiming more rows than this in one table. */
    private static final long MAX_ROWS = 15000;
    private static final int CLI_HEADER_SIZE = 72;
    private static final long METADATA_MAGIC = 0x424a5342L;

    final PeImage pe;
    final Bytes b;
    final StructValue out;

    long metadataRoot;
    // Stream header positions, -1 when absent.
    private long guid = -1, tilde = -1, strings = -1, blob = -1, us = -1;

    // From the first pass over the row counts: rows per table and the width of simple indexes into it.
    final long[] rows = new long[64];
    final int[] indexSize = new int[64];
    int stringIndex = 2, guidIndex = 2, blobIndex = 2;

    // Tables the type reconstruction reads: position, rows and row size.
    final long[] tableOffset = new long[64];
    final long[] tableRows = new long[64];
    final long[] tableRowSize = new long[64];
    long stringHeap, stringHeapSize, blobHeap;

    CliMetadata(PeImage pe, StructValue out) {
        this.pe = pe;
        this.b = pe.b;
        this.out = out;
        java.util.Arrays.fill(indexSize, 2);
    }

    private boolean isDotnet() {
        long dir = pe.directory(PeImage.COM_DESCRIPTOR);
        if (dir < 0) {
            return false;
        }
        long cli = pe.rvaToOffset(b.u32(dir));
        if (cli < 0 || !b.fits(cli, CLI_HEADER_SIZE) || b.u32(cli) != CLI_HEADER_SIZE) {
            return false;
        }
        long root = pe.rvaToOffset(b.u32(cli + 8));
        if (!b.fits(root, 16) || b.u32(root) != METADATA_MAGIC) {
            return false;
        }
        long versionLength = b.u32(root + 12);
        if (versionLength == 0 || versionLength > 255 || versionLength % 4 != 0
                || !b.fits(root + 16, versionLength)) {
            return false;
        }
        return !pe.is64 || pe.numberOfRvaAndSizes() >= PeImage.COM_DESCRIPTOR;
    }

    void parse() {
        if (!isDotnet()) {
            out.set("is_dotnet", 0);
            return;
        }
        out.set("is_dotnet", 1);
        long cli = pe.rvaToOffset(b.u32(pe.directory(PeImage.COM_DESCRIPTOR)));
        metadataRoot = pe.rvaToOffset(b.u32(cli + 8));
        long versionLength = b.u32(metadataRoot + 12);
        long nul = b.indexOfNul(metadataRoot + 16, versionLength);
        if (nul >= 0) {
            out.set("version", b.slice(metadataRoot + 16, nul - metadataRoot - 16));
        }
        long p = metadataRoot + 16 + versionLength + 2;
        if (!b.fits(p, 2)) {
            return;
        }
        // YARA reads the stream count as a single byte.
        int streamCount = b.u8(p);
        parseStreamHeaders(p + 2, streamCount);
        if (guid >= 0) {
            parseGuids();
        }
        if (tilde >= 0 && strings >= 0 && blob >= 0) {
            parseTables(cli);
        }
        if (us >= 0) {
            parseUserStrings();
        }
    }

    private void parseStreamHeaders(long p, int count) {
        int i;
        for (i = 0; i < count; i++) {
            if (!b.fits(p, 8) || !b.fits(p + 8, 32)) {
                break;
            }
            long nul = b.indexOfNul(p + 8, 32);
            if (nul < 0) {
                break;
            }
            String name = b.latin1(p + 8, nul - p - 8);
            StructValue s = Values.struct(out, "streams", i);
            s.set("name", Bytes.bytes(name));
            s.set("offset", metadataRoot + b.u32(p));
            s.set("size", b.u32(p + 4));
            if ((name.startsWith("#~") || name.startsWith("#-")) && tilde < 0) {
                tilde = p;
            } else if (name.startsWith("#GUID")) {
                guid = p;
            } else if (name.startsWith("#Strings") && strings < 0) {
                strings = p;
            } else if (name.startsWith("#Blob") && blob < 0) {
                blob = p;
            } else if (name.startsWith("#US") && us < 0) {
                us = p;
            }
            // Names are padded to a multiple of 4 (a full 4 bytes of padding when already aligned).
            p += 8 + name.length() + 4 - name.length() % 4;
        }
        out.set("number_of_streams", i);
    }

    private void parseGuids() {
        long p = metadataRoot + b.u32(guid);
        long size = Math.min(b.u32(guid + 4), 256);
        int i = 0;
        while (size >= 16 && b.fits(p, 16)) {
            String g = String.format("%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                    b.u32(p), b.u16(p + 4), b.u16(p + 6), b.u8(p + 8), b.u8(p + 9), b.u8(p + 10), b.u8(p + 11),
                    b.u8(p + 12), b.u8(p + 13), b.u8(p + 14), b.u8(p + 15));
            Values.item(out, "guids", i, Bytes.bytes(g));
            i++;
            size -= 16;
            p += 16;
        }
        out.set("number_of_guids", i);
    }

    /** A blob length prefix at {@code p} (ECMA-335 II.24.2.4): {@code size << 32 | length}, or 0 when invalid. */
    long blobEntry(long p) {
        if (!b.fits(p, 1)) {
            return 0;
        }
        int first = b.u8(p);
        long size;
        long length;
        if ((first & 0x80) == 0) {
            size = 1;
            length = first;
        } else if ((first & 0xc0) == 0x80) {
            if (!b.fits(p, 2)) {
                return 0;
            }
            size = 2;
            length = (first & 0x3f) << 8 | b.u8(p + 1);
        } else if (p + 4 < b.n && (first & 0xe0) == 0xc0) {
            if (!b.fits(p, 4)) {
                return 0;
            }
            size = 4;
            length = (long) (first & 0x1f) << 24 | b.u8(p + 1) << 16 | b.u8(p + 2) << 8 | b.u8(p + 3);
        } else {
            return 0;
        }
        if (!b.fits(p, size + length)) {
            return 0;
        }
        return size << 32 | length;
    }

    static int blobSize(long entry) {
        return (int) (entry >>> 32);
    }

    static long blobLength(long entry) {
        return entry & 0xffffffffL;
    }

    private void parseUserStrings() {
        long size = b.u32(us + 4);
        long p = metadataRoot + b.u32(us);
        long end = p + size;
        if (size == 0 || !b.fits(p, size) || b.u8(p) != 0) {
            return;
        }
        p++;
        int i = 0;
        while (p < end) {
            long entry = blobEntry(p);
            if (blobSize(entry) == 0) {
                break;
            }
            p += blobSize(entry);
            long length = blobLength(entry);
            // The last byte of each entry is a flag byte, not part of the UTF-16 text.
            if (length > 0) {
                length--;
            }
            if (length > 0 && b.fits(p, length)) {
                Values.item(out, "user_strings", i, b.slice(p, length));
                p += length;
                i++;
            }
        }
        out.set("number_of_user_strings", i);
    }

    /** A NUL-terminated string of the #Strings heap, or null (out of the heap, unterminated, or over 1024 bytes). */
    String string(long index) {
        long start = stringHeap + index;
        if (!(start >= 0 && start < b.n && index < stringHeapSize)) {
            return null;
        }
        long nul = b.indexOfNul(start, b.n - start);
        if (nul < 0 || nul - start > 1024) {
            return null;
        }
        return b.latin1(start, nul - start);
    }

    private static final int[] WITH_INDEX_SIZE = {MODULE, MODULEREF, ASSEMBLYREF, ASSEMBLYREFPROCESSOR, TYPEREF,
        METHODDEF, MEMBERREF, TYPEDEF, TYPESPEC, FIELD, PARAM, PROPERTY, INTERFACEIMPL, EVENT, ASSEMBLY,
        GENERICPARAM, METHODSPEC};
    private static final int[] COUNT_ONLY = {STANDALONESIG, FILE, EXPORTEDTYPE, MANIFESTRESOURCE,
        GENERICPARAMCONSTRAINT};

    /** Width of a coded index over {@code tables}, whose tag takes {@code tagBits} bits. */
    int coded(int tagBits, int... tables) {
        long max = 0;
        for (int t : tables) {
            max = Math.max(max, rows[t]);
        }
        return max > (0xffff >> tagBits) ? 4 : 2;
    }

    private void parseTables(long cli) {
        long header = metadataRoot + b.u32(tilde);
        if (!b.fits(header, 24)) {
            return;
        }
        int heapSizes = b.u8(header + 6);
        if ((heapSizes & 1) != 0) {
            stringIndex = 4;
        }
        if ((heapSizes & 2) != 0) {
            guidIndex = 4;
        }
        if ((heapSizes & 4) != 0) {
            blobIndex = 4;
        }
        long valid = b.u64(header + 8);
        long rowCounts = header + 24;
        int matched = 0;
        for (int bit = 0; bit < 64; bit++) {
            if ((valid >>> bit & 1) == 0) {
                continue;
            }
            boolean withIndex = contains(WITH_INDEX_SIZE, bit);
            if ((withIndex || contains(COUNT_ONLY, bit)) && b.fits(rowCounts, (matched + 1) * 4L)) {
                rows[bit] = b.u32(rowCounts + matched * 4L);
            }
            if (withIndex && rows[bit] > 0xffff) {
                indexSize[bit] = 4;
            }
            matched++;
        }
        long resourceBase = pe.rvaToOffset(b.u32(cli + 24));
        new TableWalk(this, header, valid, resourceBase).walk();
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    long streamOffset(boolean blobStream) {
        return metadataRoot + b.u32(blobStream ? blob : strings);
    }

    long stringsSize() {
        return b.u32(strings + 4);
    }
}
