package dev.vigil.yara.strings;

import java.util.ArrayList;
import java.util.List;

/**
 * YARA's atom-quality heuristic (atoms.c) and its choice of atoms, used only to decide the "string may slow down
 * scanning" warning the way YARA 4.5 does. The atoms the scan really uses come from {@link PatternAtoms} and
 * {@link LiteralString}.
 */
final class AtomQuality {

    static final int MAX_QUALITY = 255;
    static final int MIN_QUALITY = 0;
    static final int WARNING_THRESHOLD = MAX_QUALITY - 22 * 4 + 38;

    private AtomQuality() {
    }

    static int quality(int[] bytes, int[] masks, int from, int length) {
        int q = 0;
        long seen0 = 0; // bytes seen, as a 256-bit set (no allocation: this runs for every candidate window)
        long seen1 = 0;
        long seen2 = 0;
        long seen3 = 0;
        int unique = 0;
        for (int i = from; i < from + length; i++) {
            switch (masks[i]) {
                case 0x00 -> q -= 10;
                case 0x0F, 0xF0 -> q += 4;
                case 0xFF -> {
                    int b = bytes[i];
                    if (b == 0x00 || b == 0x20 || b == 0xCC || b == 0xFF) {
                        q += 12;
                    } else if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
                        q += 18;
                    } else {
                        q += 20;
                    }
                    long bit = 1L << (b & 63);
                    boolean was = switch (b >>> 6) {
                        case 0 -> (seen0 & bit) != 0;
                        case 1 -> (seen1 & bit) != 0;
                        case 2 -> (seen2 & bit) != 0;
                        default -> (seen3 & bit) != 0;
                    };
                    if (!was) {
                        switch (b >>> 6) {
                            case 0 -> seen0 |= bit;
                            case 1 -> seen1 |= bit;
                            case 2 -> seen2 |= bit;
                            default -> seen3 |= bit;
                        }
                        unique++;
                    }
                }
                default -> {
                }
            }
        }
        boolean common = (seen0 & (1L | 1L << 0x20)) != 0 || (seen2 & (1L << (0x90 - 128))) != 0
                || (seen3 & (1L << (0xCC - 192) | 1L << (0xFF - 192))) != 0;
        if (unique == 1 && common) {
            q -= 10 * length;
        } else {
            q += 2 * unique;
        }
        return MAX_QUALITY - 22 * 4 + q;
    }

    static int quality(byte[] atom) {
        return quality(atom, 0, atom.length);
    }

    static int quality(byte[] atom, int from, int length) {
        // The same sum as the masked form with every mask 0xFF, without building its arrays: this runs for every
        // candidate window of every literal and hex run (hundreds of thousands of calls for a large rule set).
        int q = 0;
        long seen0 = 0;
        long seen1 = 0;
        long seen2 = 0;
        long seen3 = 0;
        int unique = 0;
        for (int i = from; i < from + length; i++) {
            int b = atom[i] & 0xFF;
            if (b == 0x00 || b == 0x20 || b == 0xCC || b == 0xFF) {
                q += 12;
            } else if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
                q += 18;
            } else {
                q += 20;
            }
            long bit = 1L << (b & 63);
            switch (b >>> 6) {
                case 0 -> {
                    if ((seen0 & bit) == 0) {
                        seen0 |= bit;
                        unique++;
                    }
                }
                case 1 -> {
                    if ((seen1 & bit) == 0) {
                        seen1 |= bit;
                        unique++;
                    }
                }
                case 2 -> {
                    if ((seen2 & bit) == 0) {
                        seen2 |= bit;
                        unique++;
                    }
                }
                default -> {
                    if ((seen3 & bit) == 0) {
                        seen3 |= bit;
                        unique++;
                    }
                }
            }
        }
        boolean common = (seen0 & (1L | 1L << 0x20)) != 0 || (seen2 & (1L << (0x90 - 128))) != 0
                || (seen3 & (1L << (0xCC - 192) | 1L << (0xFF - 192))) != 0;
        if (unique == 1 && common) {
            q -= 10 * length;
        } else {
            q += 2 * unique;
        }
        return MAX_QUALITY - 22 * 4 + q;
    }

    /** Per byte value, what {@link #quality} adds for it. */
    private static final byte[] BYTE_SCORE = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            BYTE_SCORE[b] = (byte) (b == 0x00 || b == 0x20 || b == 0xCC || b == 0xFF ? 12
                    : (b | 0x20) >= 'a' && (b | 0x20) <= 'z' ? 18 : 20);
        }
    }

    /**
     * {@code quality(t, from, 4)} without the sets: four bytes compare pairwise for uniqueness. A literal's window
     * choice scores every 4-byte window of the text, and text of letters never reaches the top score that stops it.
     */
    static int quality4(byte[] t, int from) {
        int b0 = t[from] & 0xFF;
        int b1 = t[from + 1] & 0xFF;
        int b2 = t[from + 2] & 0xFF;
        int b3 = t[from + 3] & 0xFF;
        int q = BYTE_SCORE[b0] + BYTE_SCORE[b1] + BYTE_SCORE[b2] + BYTE_SCORE[b3];
        int unique = 1 + (b1 != b0 ? 1 : 0) + (b2 != b0 && b2 != b1 ? 1 : 0)
                + (b3 != b0 && b3 != b1 && b3 != b2 ? 1 : 0);
        boolean common = b0 == 0x00 || b0 == 0x20 || b0 == 0x90 || b0 == 0xCC || b0 == 0xFF;
        if (unique == 1 && common) {
            q -= 10 * 4;
        } else {
            q += 2 * unique;
        }
        return MAX_QUALITY - 22 * 4 + q;
    }

    /** Offset of the 4-byte window YARA picks in a literal: the first one of the highest quality. */
    static int bestLiteralWindow(byte[] text) {
        int len = Math.min(4, text.length);
        int best = 0;
        int bestQ = quality(text, 0, len);
        for (int i = 4; i < text.length && bestQ < MAX_QUALITY; i++) {
            int q = quality4(text, i - 3);
            if (q > bestQ) {
                bestQ = q;
                best = i - 3;
            }
        }
        return best;
    }

    /** Quality of the atoms YARA would choose for a hex string / regex tree. */
    static int ofTree(ReNode root) {
        Chooser c = new Chooser();
        c.walk(root);
        c.flush();
        return c.orQuality();
    }

    /**
     * Whether YARA finds no atom at all for the pattern; it then matches from every offset with forward code only and
     * no backward code, and 4.5.2's wide fullword check takes the ASCII path (research §2.4 item 15). Takes the
     * pattern's {@link #ofTree} quality, which the compiler has at hand already.
     */
    static boolean findsNoAtom(int treeQuality) {
        return treeQuality <= MIN_QUALITY;
    }

    /** Emulates YARA's walk: runs of literal/masked/any bytes give leaves; an alternation gives min of its sides. */
    private static final class Chooser {
        final List<Integer> leaves = new ArrayList<>();
        final int[] bytes = new int[4];
        final int[] masks = new int[4];
        int n;
        int bestQuality = -1;

        int orQuality() {
            int q = MIN_QUALITY;
            boolean any = false;
            for (int l : leaves) {
                if (!any || l > q) {
                    q = l;
                    any = true;
                }
            }
            return any ? q : MIN_QUALITY;
        }

        void push(int value, int mask) {
            if (n < 4) {
                bytes[n] = value;
                masks[n] = mask;
                n++;
                return;
            }
            if (bestQuality < MAX_QUALITY) {
                bestQuality = Math.max(bestQuality, trimmedQuality());
            }
            System.arraycopy(bytes, 1, bytes, 0, 3);
            System.arraycopy(masks, 1, masks, 0, 3);
            bytes[3] = value;
            masks[3] = mask;
        }

        int trimmedQuality() {
            int left = 0;
            while (left < n && masks[left] == 0) {
                left++;
            }
            int right = n;
            while (right > left && masks[right - 1] == 0) {
                right--;
            }
            int len = right - left;
            if (len == 0) {
                return MIN_QUALITY;
            }
            int ff = 0;
            int zero = 0;
            for (int i = left; i < right; i++) {
                if (masks[i] == 0xFF) {
                    ff++;
                } else if (masks[i] == 0) {
                    zero++;
                }
            }
            if (zero >= ff) {
                len = 1;
            }
            return quality(bytes, masks, left, len);
        }

        void flush() {
            if (n > 0) {
                leaves.add(Math.max(trimmedQuality(), bestQuality));
            }
            n = 0;
            bestQuality = -1;
        }

        void walk(ReNode node) {
            switch (node.type) {
                case BYTES -> {
                    if (node.byteKind == ReNode.ByteKind.OTHER) {
                        flush();
                    } else {
                        push(node.value & node.mask, node.mask);
                    }
                }
                case CONCAT -> node.children.forEach(this::walk);
                case ALT -> {
                    flush();
                    Chooser left = new Chooser();
                    left.walk(node.children.get(0));
                    left.flush();
                    Chooser right = new Chooser();
                    right.walk(node.children.get(1));
                    right.flush();
                    leaves.add(Math.min(left.orQuality(), right.orQuality()));
                }
                case REPEAT -> {
                    ReNode child = node.children.get(0);
                    if (node.rangeAny || node.min == 0) {
                        flush();
                    } else if (node.max == Integer.MAX_VALUE && node.min == 1) {
                        walk(child);
                        flush();
                    } else {
                        for (int i = 0; i < Math.min(node.min, 4); i++) {
                            walk(child);
                        }
                        flush();
                    }
                }
                default -> flush();
            }
        }
    }
}
