package dev.vigil.unpack.cab;

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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Microsoft cabinet files (own code; no maintained Java library reads them): stored, MSZIP and LZX folders. Files are
 * extracted folder by folder in offset order from a decompressing stream, so memory stays at one file plus one
 * block; files that overlap restart their folder, and all decompression of one cabinet shares a budget of MaxScanSize
 * bytes, which defeats overlapping-file bombs. Quantum folders are reported as unsupported after the rest is
 * scanned.
 */
public final class CabUnpacker implements Unpacker {
    static final int HEADER = 36;
    static final int LZX = 3;
    private static final int FLAG_PREV = 1;
    private static final int FLAG_NEXT = 2;
    private static final int FLAG_RESERVE = 4;
    /** A cabinet holds at most 65535 folders and files; names are short. */
    private static final int MAX_NAME = 1024;

    record Folder(long dataOffset, int blocks, int compression) {
    }

    record Entry(String name, long size, long offset, int folder) {
    }

    record Cabinet(List<Folder> folders, List<Entry> files, int dataReserve) {
    }

    @Override
    public String name() {
        return "cab";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        if (type != null && "CL_TYPE_MSCAB".equals(type.name())) {
            return true;
        }
        byte[] m = input.readFully(0, 8);
        return m.length == 8 && Le.u32(m, 0) == 0x4643534dL && Le.u32(m, 4) == 0;
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        Cabinet cab = parse(input);
        long budget = sink.limits().maxScanSize() > 0 ? sink.limits().maxScanSize() : Long.MAX_VALUE;
        long[] spent = {0};
        List<String> unsupported = new ArrayList<>();
        int delivered = 0;
        for (int f = 0; f < cab.folders().size(); f++) {
            Folder folder = cab.folders().get(f);
            int fi = f;
            List<Entry> files = new ArrayList<>(cab.files().stream().filter(e -> e.folder() == fi).toList());
            if (files.isEmpty()) {
                continue;
            }
            int method = folder.compression() & 0x0f;
            if (method != 0 && method != 1 && method != LZX) {
                unsupported.add(method == 2 ? "Quantum" : method == 3 ? "LZX" : "method " + method);
                continue;
            }
            files.sort(Comparator.comparingLong(Entry::offset));
            FolderStream stream = null;
            for (Entry e : files) {
                int maxFiles = sink.limits().maxFiles();
                if (maxFiles > 0 && delivered >= maxFiles) {
                    sink.limitExceeded("MaxFiles", "cabinet entries past " + maxFiles + " not scanned");
                    return;
                }
                if (e.size() > Inputs.maxObject(sink)) {
                    sink.limitExceeded("MaxFileSize", e.name() + " of " + e.size() + " bytes not scanned");
                    continue;
                }
                if (stream == null || stream.position() > e.offset()) {
                    try {
                        stream = new FolderStream(input, folder, cab.dataReserve(), budget, spent);
                    } catch (UnpackException bad) {
                        sink.error("cabinet folder " + f + ": " + bad.getMessage());
                        break;
                    }
                }
                byte[] data;
                try {
                    stream.skipTo(e.offset());
                    data = stream.readUpTo((int) e.size());
                } catch (FolderStream.BudgetExceeded x) {
                    sink.limitExceeded("MaxScanSize", "cabinet decompression past " + budget + " bytes stopped");
                    return;
                }
                delivered++;
                if (!sink.child(new Child(e.name(), "CL_TYPE_MSCAB", e.size()), new ByteArrayInputStream(data))) {
                    return;
                }
            }
            if (stream != null && stream.failure() != null) {
                sink.error("cabinet folder " + f + ": " + stream.failure());
            }
        }
        if (!unsupported.isEmpty()) {
            throw new UnpackException("cabinet folders compressed with " + String.join(", ", unsupported)
                    + " are not supported");
        }
    }

    /** Reads the header, folder table and file table; malformed structure throws. */
    static Cabinet parse(ScanInput input) throws IOException {
        byte[] h = input.readFully(0, HEADER + 4);
        if (h.length < HEADER || Le.u32(h, 0) != 0x4643534dL) {
            throw new UnpackException("not a cabinet");
        }
        long filesAt = Le.u32(h, 16);
        int folderCount = Le.u16(h, 26);
        int fileCount = Le.u16(h, 28);
        int flags = Le.u16(h, 30);
        long at = HEADER;
        int folderReserve = 0;
        int dataReserve = 0;
        if ((flags & FLAG_RESERVE) != 0) {
            int headerReserve = Le.u16(h, HEADER);
            folderReserve = Le.u8(h, HEADER + 2);
            dataReserve = Le.u8(h, HEADER + 3);
            at += 4 + headerReserve;
        }
        if ((flags & FLAG_PREV) != 0) {
            at = skipString(input, skipString(input, at));
        }
        if ((flags & FLAG_NEXT) != 0) {
            at = skipString(input, skipString(input, at));
        }
        if (folderCount == 0 || fileCount == 0) {
            throw new UnpackException("cabinet without folders or files");
        }
        List<Folder> folders = new ArrayList<>(folderCount);
        int folderSize = 8 + folderReserve;
        byte[] table = input.readFully(at, folderCount * folderSize);
        if (table.length < folderCount * folderSize) {
            throw new UnpackException("cabinet folder table truncated");
        }
        for (int i = 0; i < folderCount; i++) {
            int o = i * folderSize;
            folders.add(new Folder(Le.u32(table, o), Le.u16(table, o + 4), Le.u16(table, o + 6)));
        }
        List<Entry> files = new ArrayList<>(fileCount);
        long p = filesAt;
        for (int i = 0; i < fileCount; i++) {
            byte[] fh = input.readFully(p, 16 + MAX_NAME);
            if (fh.length < 17) {
                throw new UnpackException("cabinet file table truncated at entry " + i);
            }
            int end = 16;
            while (end < fh.length && fh[end] != 0) {
                end++;
            }
            if (end == fh.length) {
                throw new UnpackException("cabinet file name not terminated at entry " + i);
            }
            String name = new String(fh, 16, end - 16, StandardCharsets.UTF_8);
            int folder = Le.u16(fh, 8);
            if (folder == 0xfffd || folder == 0xffff) {
                folder = 0;
            } else if (folder == 0xfffe) {
                folder = folderCount - 1;
            }
            files.add(new Entry(name, Le.u32(fh, 0), Le.u32(fh, 4), folder));
            p += end + 1;
        }
        return new Cabinet(folders, files, dataReserve);
    }

    private static long skipString(ScanInput input, long at) throws IOException {
        byte[] s = input.readFully(at, 256);
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                return at + i + 1;
            }
        }
        throw new UnpackException("cabinet header string not terminated");
    }
}
