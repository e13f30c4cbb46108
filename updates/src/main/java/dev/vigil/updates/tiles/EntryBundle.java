package dev.vigil.updates.tiles;

import dev.vigil.updates.FormatException;

import java.util.ArrayList;
import java.util.List;

/** An entry bundle of c2sp.org/tlog-tiles: each entry as a big-endian uint16 length and its bytes. */
public final class EntryBundle {
    public static final int MAX_ENTRY = 0xffff;

    private EntryBundle() {
    }

    public static byte[] format(List<byte[]> entries) {
        if (entries.size() > TilePath.WIDTH) {
            throw new IllegalArgumentException("a bundle holds at most 256 entries");
        }
        int total = 0;
        for (byte[] e : entries) {
            checkEntry(e);
            total += 2 + e.length;
        }
        byte[] out = new byte[total];
        int pos = 0;
        for (byte[] e : entries) {
            out[pos++] = (byte) (e.length >>> 8);
            out[pos++] = (byte) e.length;
            System.arraycopy(e, 0, out, pos, e.length);
            pos += e.length;
        }
        return out;
    }

    public static void checkEntry(byte[] entry) {
        if (entry.length > MAX_ENTRY) {
            throw new IllegalArgumentException("tlog-tiles entries are at most 65535 bytes");
        }
    }

    /** Exactly {@code count} entries filling the whole bundle. */
    public static List<byte[]> parse(byte[] bundle, int count) throws FormatException {
        if (count < 1 || count > TilePath.WIDTH) {
            throw new FormatException("entry bundle width must be 1..256");
        }
        List<byte[]> out = new ArrayList<>(count);
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (bundle.length - pos < 2) {
                throw new FormatException("entry bundle ends before entry " + i);
            }
            int len = ((bundle[pos] & 0xff) << 8) | (bundle[pos + 1] & 0xff);
            pos += 2;
            if (bundle.length - pos < len) {
                throw new FormatException("entry " + i + " runs past the end of the bundle");
            }
            byte[] e = new byte[len];
            System.arraycopy(bundle, pos, e, 0, len);
            pos += len;
            out.add(e);
        }
        if (pos != bundle.length) {
            throw new FormatException("entry bundle has " + (bundle.length - pos) + " trailing bytes");
        }
        return out;
    }
}
