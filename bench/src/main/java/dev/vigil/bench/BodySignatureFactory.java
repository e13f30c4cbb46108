package dev.vigil.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Lines of .ndb and .ldb files shaped like the official ones: mostly plain hex of 10-60 bytes cut from real files,
 * a few percent with wildcards, alternates and ranges, offsets mostly {@code *}. Every pattern but the planted ones
 * has a few bytes replaced by noise, so that its anchor bytes are as common as in real signatures while the whole
 * pattern is absent from clean files, as real malware signatures are.
 */
final class BodySignatureFactory {
    private static final HexFormat HEX = HexFormat.of();
    /** Share of AC patterns using specials/alternates/ranges in the official databases (research notes, 4.2). */
    static final int WILDCARD_PER_MILLE = 24;
    /** Signatures left unmutated, so that a few files of a corpus built from the same system files are detected. */
    static final int PLANTED_PER_100K = 30;

    /** ndb target types with rough weights of the official main/daily mix. */
    private static final int[] NDB_TARGETS = weighted(0, 38, 1, 40, 6, 7, 7, 5, 3, 4, 2, 2, 4, 1, 5, 1, 9, 1, 10, 1);
    private static final int[] LDB_TARGETS = weighted(0, 40, 1, 38, 2, 5, 3, 5, 6, 5, 7, 4, 10, 3);
    private static final Set<Integer> EXECUTABLE_TARGETS = Set.of(1, 6, 9);

    private final SourcePool pool;
    private final SplittableRandom random;
    private final SignatureNames names;
    private final List<String> plantedFiles = new ArrayList<>();
    private int wildcardCount;
    private int plantedCount;

    BodySignatureFactory(SourcePool pool, SplittableRandom random, SignatureNames names) {
        this.pool = pool;
        this.random = random;
        this.names = names;
    }

    /** A table of 100 entries from (target, percent) pairs, to draw targets by weight. */
    private static int[] weighted(int... targetAndPercent) {
        int[] table = new int[100];
        int n = 0;
        for (int i = 0; i < targetAndPercent.length; i += 2) {
            for (int k = 0; k < targetAndPercent[i + 1]; k++) {
                table[n++] = targetAndPercent[i];
            }
        }
        if (n != table.length) {
            throw new IllegalStateException("weights must add up to 100");
        }
        return table;
    }

    List<String> plantedFiles() {
        return plantedFiles;
    }

    int wildcardCount() {
        return wildcardCount;
    }

    int plantedCount() {
        return plantedCount;
    }

    // ------------------------------------------------------------------ ndb

    String ndbLine() {
        int target = NDB_TARGETS[random.nextInt(NDB_TARGETS.length)];
        String name = names.next(target);
        if (random.nextInt(100_000) < PLANTED_PER_100K) {
            return planted(name, target);
        }
        boolean text = target == 3 || target == 7 || (target == 0 ? random.nextInt(100) < 30 : random.nextInt(100) < 8);
        int length = 10 + random.nextInt(51);
        if (random.nextInt(1000) < WILDCARD_PER_MILLE) {
            wildcardCount++;
            return name + ":" + target + ":*:" + wildcardPattern(Math.max(length, 16), text, target);
        }
        int offsetRoll = random.nextInt(100);
        if (offsetRoll < 8 && EXECUTABLE_TARGETS.contains(target)) {
            return name + ":" + target + ":" + entryPointOffset() + ":" + hex(rare(pool.fragment(length)));
        }
        if (offsetRoll >= 90 && offsetRoll < 95) {
            return name + ":" + target + ":" + fromEndLine(length);
        }
        if (offsetRoll >= 95) {
            return name + ":" + target + ":" + absoluteLine(length);
        }
        byte[] body = text ? textBytes(length, target) : pool.fragment(length);
        return name + ":" + target + ":*:" + hex(text ? rareText(body) : rare(body));
    }

    private String entryPointOffset() {
        int delta = random.nextInt(4) == 0 ? 0 : random.nextInt(1024);
        String sign = delta > 0 && random.nextInt(5) == 0 ? "-" : "+";
        String off = "EP" + sign + delta;
        return random.nextInt(3) == 0 ? off + "," + (16 + random.nextInt(512)) : off;
    }

    /** {@code EOF-n}: the tail of a real file (overlays, appended data), at least as long as the pattern. */
    private String fromEndLine(int length) {
        SourcePool.Source s = pool.randomSource();
        int back = length + random.nextInt(4096);
        byte[] b = SourcePool.at(s, s.fileSize() - back, length);
        if (b == null) {
            b = pool.fragment(length);
        }
        return "EOF-" + back + ":" + hex(rare(b));
    }

    /** Absolute offsets: headers (offset 0) or a fixed position, sometimes with a shift. */
    private String absoluteLine(int length) {
        SourcePool.Source s = pool.randomSource();
        long at = random.nextInt(3) == 0 ? 0 : random.nextInt(8192);
        byte[] b = SourcePool.at(s, at, length);
        if (b == null) {
            b = pool.fragment(length);
        }
        String offset = at + (random.nextInt(4) == 0 ? "," + random.nextInt(256) : "");
        return offset + ":" + hex(rare(b));
    }

    private String planted(String name, int target) {
        plantedCount++;
        SourcePool.Source s = pool.randomSource();
        int length = 24 + random.nextInt(25);
        for (int attempt = 0; attempt < 32; attempt++) {
            int at = random.nextInt(Math.max(1, s.bytes().length - length));
            byte[] b = java.util.Arrays.copyOfRange(s.bytes(), at, at + length);
            if (SourcePool.looksLikeContent(b) && pool.isUnique(b)) {
                plantedFiles.add(s.path().toString());
                // Target 0 so the planted signature applies whatever type clamscan gives the file.
                return name.replaceFirst("^[A-Za-z]+\\.", "Unix.") + ":0:*:" + hex(b);
            }
        }
        return name + ":" + target + ":*:" + hex(rare(pool.fragment(length)));
    }

    // ------------------------------------------------------------------ wildcard patterns

    /** A pattern with one of the special forms; the part that carries the noise is after the special. */
    private String wildcardPattern(int length, boolean text, int target) {
        byte[] a = text ? textBytes(length, target) : pool.fragment(length);
        int kind = random.nextInt(8);
        switch (kind) {
            case 0: { // ?? in the first half
                int at = 3 + random.nextInt(length / 2 - 3);
                int n = 1 + random.nextInt(2);
                return hex(a, 0, at) + "??".repeat(n) + hex(rareTail(a, text), at + n, length);
            }
            case 1: { // nibble wildcard
                int at = 3 + random.nextInt(length / 2 - 3);
                String h = hex(a, at, at + 1);
                String nib = random.nextBoolean() ? h.charAt(0) + "?" : "?" + h.charAt(1);
                return hex(a, 0, at) + nib + hex(rareTail(a, text), at + 1, length);
            }
            case 2: { // single-byte alternates containing the real byte
                int at = 3 + random.nextInt(length / 2 - 3);
                List<String> alts = new ArrayList<>(List.of(hex(a, at, at + 1)));
                for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                    alts.add(String.format("%02x", random.nextInt(256)));
                }
                java.util.Collections.shuffle(alts, new java.util.Random(random.nextLong()));
                return hex(a, 0, at) + "(" + String.join("|", alts) + ")" + hex(rareTail(a, text), at + 1, length);
            }
            case 3: { // fixed-length multi-byte alternates
                int at = 3 + random.nextInt(length / 2 - 4);
                byte[] other = new byte[2];
                random.nextBytes(other);
                String alt = random.nextBoolean() ? hex(a, at, at + 2) + "|" + hex(other) : hex(other) + "|" + hex(a, at, at + 2);
                return hex(a, 0, at) + "(" + alt + ")" + hex(rareTail(a, text), at + 2, length);
            }
            case 4: { // {n-m}, {-n}, {n-} between two parts
                return hex(a) + braceRange() + hex(part(text, target));
            }
            case 5: { // * between two parts
                return hex(a) + "*" + hex(part(text, target));
            }
            case 6: { // aa[x-y]HEXSIG at the start: a single byte, a short gap, then the rest
                int y = 1 + random.nextInt(8);
                int x = random.nextInt(y + 1);
                int skip = x + random.nextInt(y - x + 1);
                return hex(a, 0, 1) + "[" + x + "-" + y + "]" + hex(rareTail(a, text), 1 + skip, length);
            }
            default: { // {n} with n < 128: a run of ?? inside one part
                int n = 1 + random.nextInt(40);
                return hex(a) + "{" + n + "}" + hex(part(text, target));
            }
        }
    }

    private String braceRange() {
        int form = random.nextInt(3);
        int n = random.nextInt(200);
        return switch (form) {
            case 0 -> "{" + n + "-" + (n + 1 + random.nextInt(400)) + "}";
            case 1 -> "{-" + (1 + n) + "}";
            default -> "{" + n + "-}";
        };
    }

    private byte[] part(boolean text, int target) {
        int length = 8 + random.nextInt(25);
        return text ? rareText(textBytes(length, target)) : rare(pool.fragment(length));
    }

    private byte[] rareTail(byte[] a, boolean text) {
        byte[] b = a.clone();
        int from = b.length / 2 + 1;
        int at = from + random.nextInt(Math.max(1, b.length - 4 - from));
        noise(b, at, text);
        return b;
    }

    // ------------------------------------------------------------------ ldb

    String ldbLine() {
        int target = LDB_TARGETS[random.nextInt(LDB_TARGETS.length)];
        String name = names.next(target);
        int n = 2 + random.nextInt(5);
        boolean planted = random.nextInt(100_000) < PLANTED_PER_100K;
        LogicShape shape = planted ? LogicShape.allOf(n) : LogicShape.random(n, random);
        boolean[] rare = planted ? new boolean[n] : LogicShape.rareSet(shape, n, random);
        SourcePool.Source plantedSource = planted ? pool.randomSource() : null;
        List<String> subsigs = new ArrayList<>();
        boolean modifiers = false;
        for (int i = 0; i < n; i++) {
            String sub;
            if (planted) {
                // The first string must be specific to its file, or the signature fires on every similar file.
                byte[] str = stringOf(plantedSource);
                for (int attempt = 0; i == 0 && attempt < 32 && !pool.isUnique(str); attempt++) {
                    str = stringOf(plantedSource);
                }
                sub = hex(str);
            } else if (random.nextInt(100) < 60) {
                byte[] s = pool.string(6, 40).getBytes(StandardCharsets.US_ASCII);
                sub = hex(rare[i] ? rareText(s) : s);
                int m = random.nextInt(100);
                if (m < 15) {
                    sub += "::i";
                    modifiers = true;
                } else if (m < 20) {
                    sub += "::w";
                    modifiers = true;
                } else if (m < 23) {
                    sub += "::aw";
                    modifiers = true;
                }
            } else {
                byte[] f = pool.fragment(8 + random.nextInt(33));
                sub = hex(rare[i] ? rare(f) : f);
                if (i == 0 && EXECUTABLE_TARGETS.contains(target) && random.nextInt(100) < 5) {
                    sub = "EP+0," + (64 + random.nextInt(512)) + ":" + sub;
                }
            }
            subsigs.add(sub);
        }
        if (planted) {
            plantedCount++;
            plantedFiles.add(plantedSource.path().toString());
            target = 0;
        }
        // Attributes other than Target need an Engine range (>= 51); subsignature modifiers need 81.
        boolean fileSize = !planted && random.nextInt(100) < 5;
        StringBuilder tdb = new StringBuilder();
        if (modifiers) {
            tdb.append("Engine:81-255,");
        } else if (fileSize || random.nextInt(100) < 70) {
            tdb.append("Engine:51-255,");
        }
        tdb.append("Target:").append(target);
        if (fileSize) {
            long lo = 1024L * random.nextInt(64);
            tdb.append(",FileSize:").append(lo).append('-').append(lo + 1024L * (16 + random.nextInt(8192)));
        }
        return name + ";" + tdb + ";" + shape.render() + ";" + String.join(";", subsigs);
    }

    /** A printable run of at least 8 bytes from one file (for planted signatures, whose strings must co-occur). */
    private byte[] stringOf(SourcePool.Source s) {
        byte[] b = s.bytes();
        for (int attempt = 0; attempt < 256; attempt++) {
            int i = random.nextInt(b.length);
            int start = i;
            while (start > 0 && printable(b[start - 1])) {
                start--;
            }
            int end = i;
            while (end < b.length && printable(b[end])) {
                end++;
            }
            if (end - start >= 12) {
                return java.util.Arrays.copyOfRange(b, start, Math.min(end, start + 40));
            }
        }
        return pool.fragment(12);
    }

    private static boolean printable(byte x) {
        return x >= 0x20 && x < 0x7f;
    }

    // ------------------------------------------------------------------ bytes

    private byte[] textBytes(int length, int target) {
        String s = pool.string(length, length);
        // Targets 3 (HTML) and 7 (text) are matched against clamscan's normalised, lower-cased text.
        if (target == 3 || target == 7) {
            s = s.toLowerCase(Locale.ROOT);
        }
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Four bytes of noise at a random position after the first two (the anchor stays real). */
    private byte[] rare(byte[] b) {
        byte[] out = b.clone();
        noise(out, 2 + random.nextInt(Math.max(1, out.length - 6)), false);
        return out;
    }

    private byte[] rareText(byte[] b) {
        byte[] out = b.clone();
        noise(out, 2 + random.nextInt(Math.max(1, out.length - 7)), true);
        return out;
    }

    private void noise(byte[] b, int at, boolean text) {
        int n = text ? 5 : 4;
        for (int i = at; i < Math.min(b.length, at + n); i++) {
            b[i] = text ? (byte) "abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)) : (byte) random.nextInt(256);
        }
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    static String hex(byte[] b, int from, int to) {
        return HEX.formatHex(b, from, to);
    }
}
