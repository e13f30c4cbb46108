package dev.vigil.updates.tiles;

import java.util.ArrayList;
import java.util.List;

/** Which tiles make up a tree of a given size, and which ones change when it grows. */
public final class Tiles {
    private Tiles() {
    }

    /** Number of stored hashes at tile level {@code level} for a tree of {@code size} leaves. */
    public static long hashesAtLevel(int height, int level, long size) {
        long shift = (long) height * level;
        return shift >= 64 ? 0 : size >>> shift;
    }

    /**
     * The hash tiles (and, with {@code withData}, the entry tiles) that differ between a tree of {@code oldSize}
     * leaves and one of {@code newSize}: new full tiles and the new partial tile of every level.
     */
    public static List<TilePath> changed(int height, long oldSize, long newSize, boolean withData) {
        if (oldSize < 0 || newSize < oldSize) {
            throw new IllegalArgumentException("need 0 <= old size <= new size");
        }
        List<TilePath> out = new ArrayList<>();
        int full = 1 << height;
        for (int level = 0; hashesAtLevel(height, level, newSize) > 0; level++) {
            long oldN = hashesAtLevel(height, level, oldSize);
            long newN = hashesAtLevel(height, level, newSize);
            if (oldN == newN) {
                continue;
            }
            for (long t = oldN >>> height; t < newN >>> height; t++) {
                add(out, height, level, t, full, withData);
            }
            int partial = (int) (newN & (full - 1));
            if (partial > 0) {
                add(out, height, level, newN >>> height, partial, withData);
            }
        }
        return out;
    }

    private static void add(List<TilePath> out, int height, int level, long index, int width, boolean withData) {
        out.add(new TilePath(height, level, index, width));
        if (withData && level == 0) {
            out.add(new TilePath(height, TilePath.DATA_LEVEL, index, width));
        }
    }

    /** Every tile of a tree of {@code size} leaves. */
    public static List<TilePath> forSize(long size) {
        return changed(TilePath.HEIGHT, 0, size, false);
    }
}
