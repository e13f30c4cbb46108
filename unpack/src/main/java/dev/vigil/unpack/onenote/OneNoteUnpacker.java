package dev.vigil.unpack.onenote;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.documents.Emitter;

import java.io.IOException;

/**
 * OneNote sections (CL_TYPE_ONENOTE): embedded files. Desktop {@code .one} files keep each in a FileDataStoreObject
 * (a GUID, a 64-bit length, 12 reserved bytes, the data); files exported by OneNote for the web use the
 * MS-FSSHTTPB packaging, where file data sits in Object Data BLOB stream objects. Both are found by scanning.
 */
public final class OneNoteUnpacker implements Unpacker {
    static final String TYPE = "CL_TYPE_ONENOTE";
    /** {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC} as stored. */
    private static final byte[] FILE_DATA_HEADER = hex("e716e3bd65261145a4c48d4d0b7a9eac");
    /** {7B5C52E4-D88C-4DA7-AEB1-5378D02996D3}, the section file format. */
    private static final byte[] SECTION_GUID = hex("e4525c7b8cd8a74daeb15378d02996d3");
    private static final int OBJECT_DATA_BLOB = 0x02;

    @Override
    public String name() {
        return "onenote";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        return TYPE.equals(type.name()) || startsWith(input.readFully(0, 16), 0, SECTION_GUID);
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        Emitter out = new Emitter(sink, TYPE);
        byte[] d = out.readAll(input);
        try {
            if (fileDataObjects(d, out) == 0) {
                objectDataBlobs(d, out);
            }
        } catch (Emitter.Stopped stop) {
            // the sink has what it needs
        }
    }

    private static int fileDataObjects(byte[] d, Emitter out) throws IOException {
        int count = 0;
        for (int i = 0; i + 36 <= d.length; i++) {
            if (d[i] != FILE_DATA_HEADER[0] || !startsWith(d, i, FILE_DATA_HEADER)) {
                continue;
            }
            long length = le64(d, i + 16);
            int start = i + 36;
            if (length < 0 || length > d.length - start) {
                continue;
            }
            count++;
            if (length > out.maxObject()) {
                out.limit("MaxFileSize", "OneNote embedded file of " + length + " bytes");
            } else {
                out.emit("file-" + count, d, start, (int) length);
            }
            i = start + (int) length - 1;
        }
        return count;
    }

    /**
     * MS-FSSHTTPB: a 32-bit stream object header (low bits 10, not compound, type, 15-bit length) whose type is
     * Object Data BLOB and whose content is a compact-uint64 length followed by exactly that many bytes.
     */
    private static int objectDataBlobs(byte[] d, Emitter out) throws IOException {
        int count = 0;
        for (int i = 0; i + 5 <= d.length; i++) {
            int h = (d[i] & 0xff) | (d[i + 1] & 0xff) << 8 | (d[i + 2] & 0xff) << 16 | (d[i + 3] & 0xff) << 24;
            if ((h & 7) != 2 || ((h >>> 3) & 0x3fff) != OBJECT_DATA_BLOB) {
                continue;
            }
            long objectLength = h >>> 17;
            int p = i + 4;
            if (objectLength == 0x7fff) {
                long[] ext = compactU64(d, p);
                if (ext == null) {
                    continue;
                }
                objectLength = ext[0];
                p += (int) ext[1];
            }
            long[] blob = compactU64(d, p);
            if (blob == null || blob[0] == 0 || blob[0] + blob[1] != objectLength) {
                continue;
            }
            int start = p + (int) blob[1];
            if (blob[0] > d.length - start) {
                continue;
            }
            count++;
            if (blob[0] > out.maxObject()) {
                out.limit("MaxFileSize", "OneNote blob of " + blob[0] + " bytes");
            } else {
                out.emit("blob-" + count, d, start, (int) blob[0]);
            }
            i = start + (int) blob[0] - 1;
        }
        return count;
    }

    /** {value, encoded size} of the compact unsigned 64-bit integer at {@code p}, or null past the end. */
    static long[] compactU64(byte[] d, int p) {
        if (p >= d.length) {
            return null;
        }
        int first = d[p] & 0xff;
        if (first == 0) {
            return new long[] {0, 1};
        }
        int size = Integer.numberOfTrailingZeros(first) + 1;
        if (size == 8) {
            size = 9;
        }
        if (p + size > d.length) {
            return null;
        }
        if (size == 9) {
            long v = le64(d, p + 1);
            return v < 0 ? null : new long[] {v, 9};
        }
        long v = 0;
        for (int k = size - 1; k >= 0; k--) {
            v = v << 8 | (d[p + k] & 0xff);
        }
        return new long[] {v >>> size, size};
    }

    private static long le64(byte[] d, int p) {
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = v << 8 | (d[p + k] & 0xff);
        }
        return v;
    }

    private static boolean startsWith(byte[] d, int at, byte[] word) {
        if (at + word.length > d.length) {
            return false;
        }
        for (int k = 0; k < word.length; k++) {
            if (d[at + k] != word[k]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
