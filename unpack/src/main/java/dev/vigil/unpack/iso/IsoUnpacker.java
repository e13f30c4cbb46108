package dev.vigil.unpack.iso;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.Inputs;
import dev.vigil.unpack.pe.Le;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * ISO 9660 images (own code), walked as ClamAV's {@code cli_scaniso} walks them: the primary volume descriptor's
 * tree, then, when a Joliet supplementary descriptor exists, the Joliet tree as well (so files are scanned twice, as
 * there). Directory blocks already visited are skipped and at most 1024 are read per tree, which ends cycles and
 * directory bombs; interleaved files and those beyond MaxFileSize are skipped.
 */
public final class IsoUnpacker implements Unpacker {
    private static final long DESCRIPTORS = 32768;
    private static final int MAX_DIRECTORY_BLOCKS = 1024;

    @Override
    public String name() {
        return "iso9660";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        byte[] m = input.readFully(DESCRIPTORS + 1, 5);
        return new String(m, StandardCharsets.ISO_8859_1).equals("CD001");
    }

    /** Geometry of one image and the state of one tree walk. */
    private static final class Walk {
        final ScanInput in;
        final ChildSink sink;
        final long base;
        final int sectorSize;
        final int blockSize;
        final boolean joliet;
        final Set<Long> visited = new HashSet<>();
        boolean stop;
        int files;

        Walk(ScanInput in, ChildSink sink, long base, int sectorSize, int blockSize, boolean joliet) {
            this.in = in;
            this.sink = sink;
            this.base = base;
            this.sectorSize = sectorSize;
            this.blockSize = blockSize;
            this.joliet = joliet;
        }

        /** File offset of a logical block, or -1 when it lies outside the image. */
        long offsetOf(long block) {
            int perSector = 2048 / blockSize;
            if (block > (in.size() - base) / sectorSize * perSector) {
                return -1;
            }
            return base + block / perSector * sectorSize + block % perSector * blockSize;
        }
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        byte[] primary = input.readFully(DESCRIPTORS, 2448 + 6);
        if (primary.length < 2448 + 6) {
            return;
        }
        int next = indexOf(primary, 2049);
        if (next < 0) {
            return;
        }
        int sectorSize = next - 1;
        if ((long) sectorSize * 16 > DESCRIPTORS) {
            return;
        }
        int blockSize = Le.u16(primary, 128);
        if (blockSize != 512 && blockSize != 1024 && blockSize != 2048) {
            return;
        }
        long base = DESCRIPTORS - (long) sectorSize * 16;
        byte[] jolietDescriptor = findJoliet(input, base, sectorSize);
        byte[][] trees = jolietDescriptor == null ? new byte[][] {primary} : new byte[][] {primary, jolietDescriptor};
        for (int t = 0; t < trees.length; t++) {
            byte[] d = trees[t];
            if (d[156 + 26] != 0 || d[156 + 27] != 0) {
                return; // interleaved root: ClamAV gives up on the image
            }
            Walk walk = new Walk(input, sink, base, sectorSize, blockSize, t == 1);
            directory(walk, Le.u32(d, 156 + 2) + Le.u8(d, 156 + 1), Le.u32(d, 156 + 10), "");
            if (walk.stop) {
                return;
            }
        }
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 5 <= b.length; i++) {
            if (b[i] == 'C' && b[i + 1] == 'D' && b[i + 2] == '0' && b[i + 3] == '0' && b[i + 4] == '1') {
                return i;
            }
        }
        return -1;
    }

    private static byte[] findJoliet(ScanInput in, long base, int sectorSize) throws IOException {
        for (int i = 16; i < 32; i++) {
            byte[] d = in.readFully(base + (long) i * sectorSize, 2048);
            if (d.length < 2048 || (d[0] & 0xff) == 0xff || indexOf(d, 1) != 1) {
                return null;
            }
            if (d[0] != 2 || d[88] != 0x25 || d[89] != 0x2f || d[156 + 26] != 0 || d[156 + 27] != 0) {
                continue;
            }
            if (d[90] == 0x40 || d[90] == 0x43 || d[90] == 0x45) {
                return d;
            }
        }
        return null;
    }

    private static void directory(Walk w, long block, long length, String path) throws IOException {
        if (length < 34) {
            return;
        }
        for (; length > 0 && !w.stop; block++, length -= Math.min(length, w.blockSize)) {
            if (w.visited.size() > MAX_DIRECTORY_BLOCKS) {
                w.sink.limitExceeded("MaxFiles", "ISO 9660 directory records past " + MAX_DIRECTORY_BLOCKS);
                w.stop = true;
                return;
            }
            if (!w.visited.add(block)) {
                continue;
            }
            long at = w.offsetOf(block);
            if (at < 0) {
                return;
            }
            byte[] dir = w.in.readFully(at, w.blockSize);
            if (dir.length < w.blockSize) {
                return;
            }
            int left = (int) Math.min(w.blockSize, length);
            int p = 0;
            while (left > 0 && !w.stop) {
                int recordSize = dir[p] & 0xff;
                if (recordSize == 0) {
                    break;
                }
                if (recordSize > left) {
                    length = 0; // a record running into the next block: ClamAV stops reading this directory
                    break;
                }
                if (recordSize >= 34) {
                    record(w, dir, p, left, path);
                }
                left -= recordSize;
                p += recordSize;
            }
        }
    }

    private static void record(Walk w, byte[] dir, int p, int left, String path) throws IOException {
        int nameLength = dir[p + 32] & 0xff;
        if (nameLength == 1 && (dir[p + 33] == 0 || dir[p + 33] == 1)) {
            return; // "." and ".."
        }
        nameLength = Math.min(nameLength, left - 33);
        String name = name(dir, p + 33, nameLength, w.joliet);
        long extent = Le.u32(dir, p + 2) + Le.u8(dir, p + 1);
        long size = Le.u32(dir, p + 10);
        int flags = dir[p + 25] & 0xff;
        if (dir[p + 26] != 0 || dir[p + 27] != 0) {
            return; // interleaved
        }
        String full = path.isEmpty() ? name : path + "/" + name;
        if ((flags & 2) != 0) {
            directory(w, extent, size, full);
            return;
        }
        if (size > Inputs.maxObject(w.sink)) {
            w.sink.limitExceeded("MaxFileSize", full + " of " + size + " bytes not scanned");
            return;
        }
        long last = size == 0 ? extent : extent + (size - 1) / w.blockSize;
        long lastAt = w.offsetOf(last);
        if (w.offsetOf(extent) < 0 || lastAt < 0 || lastAt >= w.in.size()) {
            return; // extent outside the image (lying size): nothing to allocate for
        }
        int maxFiles = w.sink.limits().maxFiles();
        if (maxFiles > 0 && ++w.files > maxFiles) {
            w.sink.limitExceeded("MaxFiles", "ISO 9660 files past " + maxFiles + " not scanned");
            w.stop = true;
            return;
        }
        byte[] data = new byte[(int) size];
        int done = 0;
        long block = extent;
        while (done < size) {
            long at = w.offsetOf(block++);
            int todo = (int) Math.min(size - done, w.blockSize);
            if (at < 0 || w.in.read(at, data, done, todo) != todo) {
                return; // truncated image: ClamAV does not scan the partial file
            }
            done += todo;
        }
        if (!w.sink.child(new Child(full, "CL_TYPE_ISO9660", size), new ByteArrayInputStream(data))) {
            w.stop = true;
        }
    }

    private static String name(byte[] dir, int at, int length, boolean joliet) {
        String s = new String(dir, at, Math.max(0, length),
                joliet ? StandardCharsets.UTF_16BE : StandardCharsets.ISO_8859_1);
        int semicolon = s.indexOf(';');
        return semicolon >= 0 ? s.substring(0, semicolon) : s;
    }
}
