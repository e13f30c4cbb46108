package dev.vigil.unpack.ole2;

import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.OutputLimitException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A bounded reader of OLE2 compound files (MS-CFB) held in an array: sector chains are followed with a visited set
 * (a cycle ends the chain), every index is checked against the file, and no declared size is used to allocate.
 */
public final class Ole2Reader {
    static final byte[] MAGIC = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A,
            (byte) 0xE1};
    private static final int END_OF_CHAIN = -2;
    private static final int TYPE_STORAGE = 1;
    private static final int TYPE_STREAM = 2;
    private static final int TYPE_ROOT = 5;
    /** Directory entries read at most (a directory chain can be long only in a hostile file). */
    private static final int MAX_ENTRIES = 1 << 18;

    /** One directory entry. {@code path} is the slash-joined storage path, set by the tree walk. */
    public static final class Entry {
        public final int index;
        public final String name;
        public final int type;
        final int left;
        final int right;
        final int child;
        final int start;
        public final long size;
        public String path;
        public Entry parent;
        final List<Entry> kids = new ArrayList<>();

        Entry(int index, String name, int type, int left, int right, int child, int start, long size) {
            this.index = index;
            this.name = name;
            this.type = type;
            this.left = left;
            this.right = right;
            this.child = child;
            this.start = start;
            this.size = size;
        }

        public boolean isStream() {
            return type == TYPE_STREAM;
        }

        public boolean isStorage() {
            return type == TYPE_STORAGE || type == TYPE_ROOT;
        }
    }

    private final byte[] d;
    private final int sectorShift;
    private final int sectorSize;
    private final int miniShift;
    private final long miniCutoff;
    private final int sectorCount;
    private final int[] fat;
    private int[] miniFat = new int[0];
    private byte[] miniStream = new byte[0];
    private final List<Entry> entries = new ArrayList<>();
    private final long cap;

    public static boolean isOle2(byte[] head) {
        if (head.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Parses the header, FAT, directory and mini stream; {@code cap} bounds every stream read. */
    public Ole2Reader(byte[] data, long cap) throws UnpackException {
        this.d = data;
        this.cap = cap;
        if (data.length < 512 || !isOle2(data)) {
            throw new UnpackException("not an OLE2 compound file");
        }
        sectorShift = u16(30);
        miniShift = u16(32);
        if (sectorShift < 7 || sectorShift > 16 || miniShift < 2 || miniShift >= sectorShift) {
            throw new UnpackException("OLE2 header: bad sector shifts " + sectorShift + "/" + miniShift);
        }
        sectorSize = 1 << sectorShift;
        miniCutoff = u32(56);
        sectorCount = (int) Math.max(0, (data.length - sectorSize + sectorSize - 1L) >> sectorShift);
        fat = readFat();
        readDirectory();
        if (!entries.isEmpty()) {
            Entry root = entries.get(0);
            try {
                miniStream = chain(root.start, fat, sectorShift, true, root.size);
            } catch (OutputLimitException e) {
                miniStream = new byte[0];
            }
            miniFat = toInts(chainOrEmpty((int) u32(60), -1));
        }
        walkTree();
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Children of a storage, in tree order. */
    public List<Entry> children(Entry storage) {
        return storage.kids;
    }

    /** A stream's bytes, bounded by the cap and by what its sector chain really holds. */
    public byte[] read(Entry e) throws OutputLimitException {
        if (e.size < miniCutoff && e.type == TYPE_STREAM) {
            return chain(e.start, miniFat, miniShift, false, e.size);
        }
        return chain(e.start, fat, sectorShift, true, e.size);
    }

    private byte[] chainOrEmpty(int start, long size) {
        try {
            return chain(start, fat, sectorShift, true, size);
        } catch (OutputLimitException e) {
            return new byte[0];
        }
    }

    /** Follows a chain from {@code start}; {@code size} &lt; 0 reads the whole chain. */
    private byte[] chain(int start, int[] table, int shift, boolean regular, long size)
            throws OutputLimitException {
        int unit = 1 << shift;
        long want = size < 0 ? Long.MAX_VALUE : size;
        if (size > cap) {
            throw new OutputLimitException(cap);
        }
        BoundedBuffer out = new BoundedBuffer(cap, (int) Math.min(want, 1 << 16));
        BitSet seen = new BitSet();
        int s = start;
        while (s >= 0 && s < table.length && !seen.get(s) && out.length() < want) {
            seen.set(s);
            int n = (int) Math.min(unit, want - out.length());
            if (regular) {
                long off = ((long) s + 1) << shift;
                if (off >= d.length) {
                    break;
                }
                out.put(d, (int) off, (int) Math.min(n, d.length - off));
            } else {
                long off = (long) s << shift;
                if (off >= miniStream.length) {
                    break;
                }
                out.put(miniStream, (int) off, (int) Math.min(n, miniStream.length - off));
            }
            s = table[s];
        }
        return out.toByteArray();
    }

    private int[] readFat() {
        int perSector = sectorSize / 4;
        List<Integer> fatSectors = new ArrayList<>();
        long numFat = u32(44);
        for (int i = 0; i < 109 && fatSectors.size() < numFat; i++) {
            int s = (int) u32(76 + 4 * i);
            if (s >= 0 && s < sectorCount) {
                fatSectors.add(s);
            }
        }
        int difat = (int) u32(68);
        BitSet seen = new BitSet();
        while (difat >= 0 && difat < sectorCount && !seen.get(difat) && fatSectors.size() < numFat) {
            seen.set(difat);
            long base = ((long) difat + 1) << sectorShift;
            for (int i = 0; i < perSector - 1 && fatSectors.size() < numFat; i++) {
                int s = (int) u32At(base + 4L * i);
                if (s >= 0 && s < sectorCount) {
                    fatSectors.add(s);
                }
            }
            difat = (int) u32At(base + 4L * (perSector - 1));
        }
        // Only entries for sectors that exist matter; a larger FAT would index nothing.
        int[] table = new int[sectorCount];
        java.util.Arrays.fill(table, END_OF_CHAIN);
        int k = 0;
        for (int s : fatSectors) {
            long base = ((long) s + 1) << sectorShift;
            for (int i = 0; i < perSector && k < table.length; i++, k++) {
                table[k] = (int) u32At(base + 4L * i);
            }
        }
        return table;
    }

    private void readDirectory() {
        byte[] dir = chainOrEmpty((int) u32(48), -1);
        int count = Math.min(dir.length / 128, MAX_ENTRIES);
        for (int i = 0; i < count; i++) {
            int p = i * 128;
            int nameLen = Math.min(64, le16(dir, p + 64));
            int chars = Math.max(0, nameLen / 2 - 1);
            String name = new String(dir, p, chars * 2, StandardCharsets.UTF_16LE);
            int type = dir[p + 66] & 0xff;
            long size = le32(dir, p + 120) & 0xffffffffL;
            if (sectorShift > 9) {
                size |= (le32(dir, p + 124) & 0xffffffffL) << 32;
            }
            entries.add(new Entry(i, name, type, le32(dir, p + 68), le32(dir, p + 72), le32(dir, p + 76),
                    le32(dir, p + 116), size));
        }
    }

    /** Assigns paths by walking the red-black trees from the root; entries not reachable keep a null path. */
    private void walkTree() {
        if (entries.isEmpty()) {
            return;
        }
        Entry root = entries.get(0);
        root.path = "";
        BitSet seen = new BitSet();
        seen.set(0);
        java.util.ArrayDeque<Entry> storages = new java.util.ArrayDeque<>();
        storages.add(root);
        while (!storages.isEmpty()) {
            Entry storage = storages.poll();
            java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
            stack.push(storage.child);
            while (!stack.isEmpty()) {
                int i = stack.pop();
                if (i < 0 || i >= entries.size() || seen.get(i)) {
                    continue;
                }
                seen.set(i);
                Entry e = entries.get(i);
                e.parent = storage;
                storage.kids.add(e);
                e.path = storage.path.isEmpty() ? e.name : storage.path + "/" + e.name;
                stack.push(e.right);
                stack.push(e.left);
                if (e.isStorage()) {
                    storages.add(e);
                }
            }
        }
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = le32(b, i * 4);
        }
        return out;
    }

    private int u16(int p) {
        return le16(d, p);
    }

    private long u32(int p) {
        return le32(d, p) & 0xffffffffL;
    }

    private long u32At(long p) {
        return p + 4 <= d.length ? le32(d, (int) p) : END_OF_CHAIN;
    }

    static int le16(byte[] b, int p) {
        return p + 2 <= b.length ? (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 : 0;
    }

    static int le32(byte[] b, int p) {
        return p + 4 <= b.length
                ? (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24 : -1;
    }
}
