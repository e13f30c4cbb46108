package dev.vigil.unpack.sis;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.Inputs;
import dev.vigil.unpack.pe.Le;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Symbian installation files of the pre-9 format (own code), read as ClamAV's {@code real_scansis} reads them: the
 * file records after the header, each holding one file per language, zlib-compressed unless the header says
 * otherwise. The decompression buffer is three times the stored size, or the declared size when that is larger,
 * within MaxFileSize; what does not fit is skipped, as there. The Symbian 9 format is not read.
 */
public final class SisUnpacker implements Unpacker {
    private static final int UIDS = 16;
    private static final int HEADER = 68;
    private static final int MAX_LANGUAGES = 100;
    private static final long UID_SIS = 0x10000419L;
    private static final int PKG_FILE = 0;
    private static final int PKG_LANGFILE = 1;
    private static final int PKG_OPTION = 2;
    private static final int PKG_IF = 3;
    private static final int PKG_ELSIF = 4;
    private static final int FT_NULL = 4;

    @Override
    public String name() {
        return "sis";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        byte[] u = input.readFully(0, UIDS);
        return u.length == UIDS && Le.u32(u, 8) == UID_SIS;
    }

    /** Sequential little-endian reads from the file records on. */
    private static final class Cursor {
        final ScanInput in;
        long pos;

        Cursor(ScanInput in, long pos) {
            this.in = in;
            this.pos = pos;
        }

        long u32() throws IOException {
            byte[] b = in.readFully(pos, 4);
            if (b.length < 4) {
                throw new UnpackException("SIS file records truncated");
            }
            pos += 4;
            return Le.u32(b, 0);
        }
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        byte[] h = input.readFully(UIDS, HEADER);
        if (h.length < HEADER) {
            throw new UnpackException("SIS header truncated");
        }
        int languages = Le.u16(h, 2);
        int records = Le.u16(h, 4);
        boolean compressed = (Le.u16(h, 20) & 0x0008) == 0;
        long filesAt = Le.u32(h, 36);
        if (languages == 0 || languages >= MAX_LANGUAGES || filesAt < UIDS + HEADER) {
            return;
        }
        Cursor c = new Cursor(input, filesAt);
        int delivered = 0;
        try {
            for (int r = 0; r < records; r++) {
                long type = c.u32();
                long skip = 0;
                if (type == PKG_LANGFILE) {
                    skip = languages;
                } else if (type == PKG_FILE) {
                    long fileType = c.u32();
                    c.u32(); // options
                    long nameLength = c.u32();
                    long namePointer = c.u32();
                    c.u32(); // destination name length
                    c.u32(); // destination name pointer
                    long[] lengths = new long[languages];
                    long[] pointers = new long[languages];
                    long[] declared = new long[languages];
                    for (long[] column : new long[][] {lengths, pointers, declared}) {
                        for (int j = 0; j < languages; j++) {
                            column[j] = c.u32();
                        }
                    }
                    if (fileType != FT_NULL) {
                        String name = name(input, namePointer, nameLength);
                        for (int j = 0; j < languages; j++) {
                            byte[] data = extract(input, sink, lengths[j], pointers[j], declared[j], compressed);
                            if (data == null) {
                                continue;
                            }
                            int maxFiles = sink.limits().maxFiles();
                            if (maxFiles > 0 && ++delivered > maxFiles) {
                                sink.limitExceeded("MaxFiles", "SIS files past " + maxFiles + " not scanned");
                                return;
                            }
                            String childName = name.isEmpty() ? "sis" + (delivered - 1) : name;
                            if (!sink.child(new Child(childName, "CL_TYPE_SIS", declared[j]),
                                    new ByteArrayInputStream(data))) {
                                return;
                            }
                        }
                    }
                    skip = 8; // MIME type length and pointer
                } else if (type == PKG_OPTION) {
                    skip = c.u32() * languages * 8;
                } else if (type == PKG_IF || type == PKG_ELSIF) {
                    skip = c.u32();
                }
                c.pos += skip;
                if (c.pos >= input.size()) {
                    return;
                }
            }
        } catch (UnpackException endOfRecords) {
            // ClamAV stops quietly at the end of the data; so do we.
        }
    }

    private static String name(ScanInput in, long pointer, long length) throws IOException {
        if (length == 0) {
            return "";
        }
        byte[] b = in.readFully(pointer, (int) Math.min(length, 400));
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length; i += 2) {
            s.append((char) (b[i] & 0xff));
        }
        return s.toString();
    }

    private static byte[] extract(ScanInput in, ChildSink sink, long length, long pointer, long declared,
                                  boolean compressed) throws IOException {
        long max = Inputs.maxObject(sink);
        if (length == 0 || pointer < UIDS + HEADER) {
            return null;
        }
        if (length > max) {
            sink.limitExceeded("MaxFileSize", "SIS file of " + length + " bytes not scanned");
            return null;
        }
        byte[] stored = in.readFully(pointer, (int) length);
        if (stored.length < length) {
            return null;
        }
        if (!compressed) {
            return stored;
        }
        long room;
        if (declared <= length * 3 && length * 3 <= max) {
            room = length * 3;
        } else if (declared <= max) {
            room = declared;
        } else {
            sink.limitExceeded("MaxFileSize", "SIS file declaring " + declared + " bytes not scanned");
            return null;
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stored);
            byte[] out = new byte[(int) Math.min(room, 1 << 16)];
            int n = 0;
            while (!inflater.finished()) {
                if (n == out.length) {
                    if (n >= room) {
                        return null; // does not fit: zlib's uncompress fails, ClamAV skips the file
                    }
                    out = Arrays.copyOf(out, (int) Math.min(room, 2L * out.length));
                }
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    return null;
                }
                n += k;
            }
            return Arrays.copyOf(out, n);
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }
}
