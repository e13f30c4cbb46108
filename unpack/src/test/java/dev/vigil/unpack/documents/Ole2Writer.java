package dev.vigil.unpack.documents;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test support: writes small OLE2 compound files (version 3, mini stream for streams under 4096 bytes). */
final class Ole2Writer {
    private static final int SECTOR = 512;
    private static final int MINI = 64;
    private static final int CUTOFF = 4096;
    private static final int END = -2;
    private static final int FREE = -1;
    private static final int FAT_SECTOR = -3;

    /** A storage (data null) or a stream. */
    record Node(String name, byte[] data, List<Node> kids) {
        static Node storage(String name, Node... kids) {
            return new Node(name, null, List.of(kids));
        }

        static Node stream(String name, byte[] data) {
            return new Node(name, data, List.of());
        }
    }

    private Ole2Writer() {
    }

    static byte[] write(Node... top) {
        List<Node> flat = new ArrayList<>();
        List<int[]> links = new ArrayList<>(); // left, right, child
        Node root = Node.storage("Root Entry", top);
        flatten(root, flat, links);

        // Mini stream and its FAT.
        ByteArrayOutputStream mini = new ByteArrayOutputStream();
        List<Integer> miniFat = new ArrayList<>();
        int[] start = new int[flat.size()];
        List<byte[]> bigStreams = new ArrayList<>();
        List<Integer> bigOwners = new ArrayList<>();
        for (int i = 1; i < flat.size(); i++) {
            Node n = flat.get(i);
            start[i] = END;
            if (n.data == null || n.data.length == 0) {
                continue;
            }
            if (n.data.length < CUTOFF) {
                int first = mini.size() / MINI;
                int count = (n.data.length + MINI - 1) / MINI;
                for (int k = 0; k < count; k++) {
                    miniFat.add(k == count - 1 ? END : first + k + 1);
                }
                mini.write(n.data, 0, n.data.length);
                mini.write(new byte[count * MINI - n.data.length], 0, count * MINI - n.data.length);
                start[i] = first;
            } else {
                bigStreams.add(n.data);
                bigOwners.add(i);
            }
        }
        byte[] miniFatBytes = ints(miniFat);
        byte[] dir = new byte[pad(flat.size() * 128)];
        // Regions laid out after the FAT sectors: directory, mini FAT, mini stream, big streams.
        List<byte[]> regions = new ArrayList<>();
        regions.add(dir);
        regions.add(miniFatBytes);
        regions.add(mini.toByteArray());
        regions.addAll(bigStreams);
        int dataSectors = 0;
        for (byte[] r : regions) {
            dataSectors += pad(r.length) / SECTOR;
        }
        int fatSectors = 1;
        while (fatSectors * (SECTOR / 4) < fatSectors + dataSectors) {
            fatSectors++;
        }
        int[] fat = new int[fatSectors * (SECTOR / 4)];
        java.util.Arrays.fill(fat, FREE);
        for (int i = 0; i < fatSectors; i++) {
            fat[i] = FAT_SECTOR;
        }
        int next = fatSectors;
        int[] regionStart = new int[regions.size()];
        for (int r = 0; r < regions.size(); r++) {
            int n = pad(regions.get(r).length) / SECTOR;
            regionStart[r] = n == 0 ? END : next;
            for (int k = 0; k < n; k++) {
                fat[next + k] = k == n - 1 ? END : next + k + 1;
            }
            next += n;
        }
        for (int b = 0; b < bigOwners.size(); b++) {
            start[bigOwners.get(b)] = regionStart[3 + b];
        }
        start[0] = regionStart[2];
        ByteBuffer dirBuf = ByteBuffer.wrap(dir).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < dir.length / 128; i++) {
            int p = i * 128;
            if (i >= flat.size()) {
                dirBuf.putInt(p + 68, FREE).putInt(p + 72, FREE).putInt(p + 76, FREE);
                continue;
            }
            Node n = flat.get(i);
            byte[] name = n.name.getBytes(StandardCharsets.UTF_16LE);
            dirBuf.position(p);
            dirBuf.put(name);
            dirBuf.putShort(p + 64, (short) (name.length + 2));
            dir[p + 66] = (byte) (i == 0 ? 5 : n.data == null ? 1 : 2);
            dir[p + 67] = 1;
            int[] l = links.get(i);
            dirBuf.putInt(p + 68, l[0]).putInt(p + 72, l[1]).putInt(p + 76, l[2]);
            dirBuf.putInt(p + 116, start[i]);
            dirBuf.putInt(p + 120, i == 0 ? mini.size() : n.data == null ? 0 : n.data.length);
        }
        ByteBuffer out = ByteBuffer.allocate(SECTOR * (1 + next)).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A,
                (byte) 0xE1});
        out.putShort(24, (short) 0x3E).putShort(26, (short) 3).putShort(28, (short) 0xFFFE);
        out.putShort(30, (short) 9).putShort(32, (short) 6);
        out.putInt(44, fatSectors).putInt(48, regionStart[0]).putInt(56, CUTOFF);
        out.putInt(60, regionStart[1]).putInt(64, pad(miniFatBytes.length) / SECTOR);
        out.putInt(68, END).putInt(72, 0);
        for (int i = 0; i < 109; i++) {
            out.putInt(76 + 4 * i, i < fatSectors ? i : FREE);
        }
        for (int i = 0; i < fat.length; i++) {
            out.putInt(SECTOR + 4 * i, fat[i]);
        }
        for (int r = 0; r < regions.size(); r++) {
            if (regionStart[r] != END) {
                out.position(SECTOR * (1 + regionStart[r]));
                out.put(regions.get(r));
            }
        }
        return out.array();
    }

    /** Depth-first numbering; siblings are chained through their right links. */
    private static int flatten(Node n, List<Node> flat, List<int[]> links) {
        int index = flat.size();
        flat.add(n);
        int[] l = {FREE, FREE, FREE};
        links.add(l);
        int previous = -1;
        for (Node k : n.kids) {
            int ki = flatten(k, flat, links);
            if (previous < 0) {
                l[2] = ki;
            } else {
                links.get(previous)[1] = ki;
            }
            previous = ki;
        }
        return index;
    }

    private static int pad(int n) {
        return (n + SECTOR - 1) / SECTOR * SECTOR;
    }

    private static byte[] ints(List<Integer> v) {
        ByteBuffer b = ByteBuffer.allocate(pad(v.size() * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : v) {
            b.putInt(x);
        }
        while (b.hasRemaining()) {
            b.putInt(FREE);
        }
        return v.isEmpty() ? new byte[0] : b.array();
    }

    /** MS-OVBA compression with a greedy matcher (copy tokens and literals), one chunk per 4096 bytes. */
    static byte[] vbaCompress(byte[] src) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        for (int chunkStart = 0; chunkStart < src.length || chunkStart == 0; chunkStart += 4096) {
            int chunkEnd = Math.min(src.length, chunkStart + 4096);
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            int p = chunkStart;
            while (p < chunkEnd) {
                int flagAt = chunk.size();
                chunk.write(0);
                int flags = 0;
                for (int bit = 0; bit < 8 && p < chunkEnd; bit++) {
                    int done = p - chunkStart;
                    int bitCount = Math.max(4, 32 - Integer.numberOfLeadingZeros(Math.max(0, done - 1)));
                    int maxLength = (0xffff >>> bitCount) + 3;
                    int bestLen = 0;
                    int bestOff = 0;
                    for (int c = Math.max(chunkStart, p - (1 << bitCount)); c < p; c++) {
                        int len = 0;
                        while (len < maxLength && p + len < chunkEnd && src[c + len] == src[p + len]) {
                            len++;
                        }
                        if (len > bestLen) {
                            bestLen = len;
                            bestOff = p - c;
                        }
                    }
                    if (bestLen >= 3) {
                        int token = ((bestOff - 1) << (16 - bitCount)) | (bestLen - 3);
                        chunk.write(token & 0xff);
                        chunk.write(token >>> 8);
                        flags |= 1 << bit;
                        p += bestLen;
                    } else {
                        chunk.write(src[p++]);
                    }
                }
                byte[] sofar = chunk.toByteArray();
                sofar[flagAt] = (byte) flags;
                chunk.reset();
                chunk.write(sofar, 0, sofar.length);
            }
            byte[] body = chunk.toByteArray();
            int header = 0x8000 | 0x3000 | (body.length + 2 - 3);
            out.write(header & 0xff);
            out.write(header >>> 8);
            out.write(body, 0, body.length);
            if (src.length == 0) {
                break;
            }
        }
        return out.toByteArray();
    }

    /** A dir stream (MS-OVBA 2.3.4.2) naming one module per stream name, each with source at offset 0. */
    static byte[] vbaDir(String... modules) {
        ByteArrayOutputStream d = new ByteArrayOutputStream();
        record(d, 0x0001, le(1, 4)); // SYSKIND win32
        record(d, 0x0002, le(0x409, 4)); // LCID
        record(d, 0x0014, le(0x409, 4)); // LCIDINVOKE
        record(d, 0x0003, le(1252, 2)); // CODEPAGE
        record(d, 0x0004, "VBAProject".getBytes(StandardCharsets.US_ASCII));
        record(d, 0x0005, new byte[0]);
        record(d, 0x0040, new byte[0]);
        record(d, 0x0006, new byte[0]);
        record(d, 0x003D, new byte[0]);
        record(d, 0x0007, le(0, 4));
        record(d, 0x0008, le(0, 4));
        d.writeBytes(le(0x0009, 2));
        d.writeBytes(le(4, 4));
        d.writeBytes(le(1, 4));
        d.writeBytes(le(0, 2));
        record(d, 0x000C, new byte[0]);
        record(d, 0x003C, new byte[0]);
        record(d, 0x000F, le(modules.length, 2));
        record(d, 0x0013, le(0xFFFF, 2));
        for (String m : modules) {
            byte[] name = m.getBytes(StandardCharsets.US_ASCII);
            record(d, 0x0019, name);
            record(d, 0x0047, m.getBytes(StandardCharsets.UTF_16LE));
            record(d, 0x001A, name);
            record(d, 0x0032, m.getBytes(StandardCharsets.UTF_16LE));
            record(d, 0x001C, new byte[0]);
            record(d, 0x0048, new byte[0]);
            record(d, 0x0031, le(0, 4));
            record(d, 0x001E, le(0, 4));
            record(d, 0x002C, le(0xFFFF, 2));
            record(d, 0x0021, new byte[0]);
            record(d, 0x002B, new byte[0]);
        }
        record(d, 0x0010, new byte[0]);
        return d.toByteArray();
    }

    private static void record(ByteArrayOutputStream d, int id, byte[] data) {
        d.writeBytes(le(id, 2));
        d.writeBytes(le(data.length, 4));
        d.writeBytes(data);
    }

    private static byte[] le(long v, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }
}
