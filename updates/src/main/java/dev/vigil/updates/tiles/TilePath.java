package dev.vigil.updates.tiles;

import dev.vigil.updates.FormatException;

/**
 * One tile of a tiled log. {@code level} -1 means the entry-bundle ("data") tiles; {@code width} is the number of
 * hashes or entries, {@code 1 << height} for a full tile. The c2sp.org/tlog-tiles layout always has height 8 and
 * paths {@code tile/<L>/<N>[.p/<W>]} and {@code tile/entries/<N>[.p/<W>]}; Go's sumdb layout carries the height,
 * {@code tile/<H>/<L>/<N>[.p/<W>]} and {@code tile/<H>/data/<N>[.p/<W>]}.
 */
public record TilePath(int height, int level, long index, int width) {
    public static final int HEIGHT = 8;
    public static final int WIDTH = 1 << HEIGHT;
    public static final int DATA_LEVEL = -1;
    /** 64-bit tree sizes need at most 8 levels of 256-wide tiles; sumdb heights are smaller, so more levels. */
    private static final int MAX_LEVEL = 63;
    private static final int MAX_PATH = 200;

    public TilePath {
        if (height < 1 || height > 30 || level < DATA_LEVEL || level > MAX_LEVEL || index < 0 || width < 1
                || width > (1 << height)) {
            throw new IllegalArgumentException("invalid tile " + height + "/" + level + "/" + index + "/" + width);
        }
    }

    public static TilePath hashes(int level, long index, int width) {
        return new TilePath(HEIGHT, level, index, width);
    }

    public static TilePath entries(long index, int width) {
        return new TilePath(HEIGHT, DATA_LEVEL, index, width);
    }

    public boolean isPartial() {
        return width < (1 << height);
    }

    public boolean isData() {
        return level == DATA_LEVEL;
    }

    /** The same tile at full width. */
    public TilePath full() {
        return new TilePath(height, level, index, 1 << height);
    }

    /** The tlog-tiles path (height 8 only). */
    public String path() {
        if (height != HEIGHT) {
            throw new IllegalStateException("tlog-tiles paths have height 8");
        }
        return "tile/" + (isData() ? "entries" : Integer.toString(level)) + "/" + encodeIndex(index) + suffix();
    }

    /** The Go sumdb path. */
    public String sumdbPath() {
        return "tile/" + height + "/" + (isData() ? "data" : Integer.toString(level)) + "/" + encodeIndex(index)
                + suffix();
    }

    private String suffix() {
        return isPartial() ? ".p/" + width : "";
    }

    /** Zero-padded groups of three digits, each but the last prefixed with 'x': 1234067 is x001/x234/067. */
    public static String encodeIndex(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative tile index");
        }
        String last = String.format("%03d", n % 1000);
        StringBuilder sb = new StringBuilder();
        for (long rest = n / 1000; rest > 0; rest /= 1000) {
            sb.insert(0, String.format("x%03d/", rest % 1000));
        }
        return sb.append(last).toString();
    }

    public static TilePath parse(String path) throws FormatException {
        String[] parts = split(path, "tile/");
        int level = parts[0].equals("entries") ? DATA_LEVEL : parseLevel(parts[0]);
        return finish(HEIGHT, level, parts[1], path);
    }

    public static TilePath parseSumdb(String path) throws FormatException {
        String[] parts = split(path, "tile/");
        int slash = parts[1].indexOf('/');
        if (slash < 0) {
            throw new FormatException("malformed tile path " + path);
        }
        int height = parseSmall(parts[0], 30);
        if (height < 1) {
            throw new FormatException("malformed tile height in " + path);
        }
        String levelText = parts[1].substring(0, slash);
        int level = levelText.equals("data") ? DATA_LEVEL : parseLevel(levelText);
        return finish(height, level, parts[1].substring(slash + 1), path);
    }

    private static String[] split(String path, String prefix) throws FormatException {
        if (path.length() > MAX_PATH || !path.startsWith(prefix)) {
            throw new FormatException("not a tile path: " + abbreviate(path));
        }
        String rest = path.substring(prefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            throw new FormatException("malformed tile path " + path);
        }
        return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    private static TilePath finish(int height, int level, String indexAndWidth, String path) throws FormatException {
        String indexText = indexAndWidth;
        int width = 1 << height;
        int p = indexAndWidth.indexOf(".p/");
        if (p >= 0) {
            indexText = indexAndWidth.substring(0, p);
            width = parseSmall(indexAndWidth.substring(p + 3), (1 << height) - 1);
            if (width < 1) {
                throw new FormatException("partial tile width must be 1.." + ((1 << height) - 1) + ": " + path);
            }
        }
        long index = decodeIndex(indexText, path);
        return new TilePath(height, level, index, width);
    }

    private static long decodeIndex(String text, String path) throws FormatException {
        String[] groups = text.split("/", -1);
        // Seven groups would allow 21 digits; six cover every index a 64-bit tree size needs.
        if (groups.length > 6) {
            throw new FormatException("tile index too large in " + path);
        }
        long n = 0;
        for (int i = 0; i < groups.length; i++) {
            String g = groups[i];
            boolean last = i == groups.length - 1;
            if (!last) {
                if (!g.startsWith("x")) {
                    throw new FormatException("tile index group lacks its 'x' prefix in " + path);
                }
                g = g.substring(1);
            }
            if (g.length() != 3 || !g.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new FormatException("tile index groups are three digits in " + path);
            }
            n = n * 1000L + Integer.parseInt(g);
        }
        if (!encodeIndex(n).equals(text)) {
            throw new FormatException("non-canonical tile index in " + path);
        }
        return n;
    }

    private static int parseLevel(String s) throws FormatException {
        return parseSmall(s, MAX_LEVEL);
    }

    /** A canonical decimal between 0 and max. */
    private static int parseSmall(String s, int max) throws FormatException {
        if (s.isEmpty() || s.length() > 4 || (s.length() > 1 && s.charAt(0) == '0')
                || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new FormatException("malformed number \"" + abbreviate(s) + "\" in tile path");
        }
        int v = Integer.parseInt(s);
        if (v > max) {
            throw new FormatException("number " + v + " out of range in tile path");
        }
        return v;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    @Override
    public String toString() {
        return height == HEIGHT ? path() : sumdbPath();
    }
}
