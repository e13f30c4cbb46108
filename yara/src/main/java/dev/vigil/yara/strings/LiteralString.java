package dev.vigil.yara.strings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A text string with nocase / ascii / wide / xor / fullword, compared directly at the start its atom implies, in
 * YARA's order: ascii, then wide, then xor (wide before ascii); the first form that matches is the match.
 */
final class LiteralString implements CompiledString {

    private final String identifier;
    private final byte[] text;
    private final byte[] lower;
    private final boolean nocase;
    private final boolean ascii;
    private final boolean wide;
    private final boolean fullword;
    private final boolean xor;
    private final int xorMin;
    private final int xorMax;
    private final List<byte[]> atoms;
    private final int[] atomBack;
    private final int minQuality;
    private final int window;
    /** Where the wide form's atom starts in a wide match, in bytes. */
    private final int wideBack;

    LiteralString(String identifier, byte[] text, boolean nocase, boolean ascii, boolean wide, boolean fullword,
                  boolean xor, int xorMin, int xorMax) {
        this.identifier = identifier;
        this.text = text.clone();
        this.lower = new byte[text.length];
        for (int i = 0; i < text.length; i++) {
            lower[i] = (byte) lowercase(text[i] & 0xFF);
        }
        this.nocase = nocase;
        this.ascii = ascii;
        this.wide = wide;
        this.fullword = fullword;
        this.xor = xor;
        this.xorMin = xorMin;
        this.xorMax = xorMax;

        // YARA's atoms: the best window of the text, its wide form (first two characters of the window), all case
        // combinations, then every xor key; the quality is the worst of them. The warning about slow strings follows
        // that choice; the scan's own wide atom may be a better window of the wide bytes (see wideWindow).
        int window = AtomQuality.bestLiteralWindow(text);
        this.window = window;
        int wlen = Math.min(4, text.length);
        byte[] asciiAtom = java.util.Arrays.copyOfRange(text, window, window + wlen);
        int chars = Math.min(2, wlen);
        byte[] yaraWide = new byte[chars * 2];
        for (int i = 0; i < chars; i++) {
            yaraWide[2 * i] = asciiAtom[i];
        }
        Forms forms = forms(asciiAtom, window, yaraWide, 2 * window);
        int q = AtomQuality.quality(asciiAtom);
        for (int i = 0; i < forms.n; i++) {
            q = Math.min(q, AtomQuality.quality(forms.atoms[i]));
        }
        this.minQuality = q;
        this.wideBack = wide ? wideWindow(text, 2 * window) : 2 * window;
        if (wideBack != 2 * window) {
            forms = forms(asciiAtom, window, java.util.Arrays.copyOfRange(wideBytes(text), wideBack, wideBack + 4),
                    wideBack);
        }
        int n = forms.n;
        byte[][] list = forms.atoms;
        int[] back = forms.back;
        // The same bytes at the same distance need one atom only (atoms are at most 4 bytes: one long holds the key).
        List<byte[]> unique = new ArrayList<>(n);
        int[] uniqueBack = new int[n];
        java.util.Set<Long> seen = n > 1 ? new java.util.HashSet<>() : null;
        for (int i = 0; i < n; i++) {
            if (seen == null || seen.add(atomKey(list[i], back[i]))) {
                uniqueBack[unique.size()] = back[i];
                unique.add(list[i]);
            }
        }
        this.atoms = Collections.unmodifiableList(unique);
        this.atomBack = unique.size() == n ? uniqueBack : java.util.Arrays.copyOf(uniqueBack, unique.size());
    }

    /** Atoms of the ascii and wide forms with their distances from the match start, after case and xor expansion. */
    private record Forms(byte[][] atoms, int[] back, int n) {
    }

    private Forms forms(byte[] asciiAtom, int asciiBack, byte[] wideAtom, int wideAtomBack) {
        // Plain arrays and no streams: this runs once per text string (tens of thousands in a large rule set), cold,
        // and a lighter body also costs the JIT less on the one core the compile shares with it.
        byte[][] list = new byte[2][];
        int[] back = new int[2];
        int n = 0;
        if (ascii) {
            list[n] = asciiAtom;
            back[n++] = asciiBack;
        }
        if (wide) {
            list[n] = wideAtom;
            back[n++] = wideAtomBack;
        }
        if (nocase) {
            int total = 0;
            for (int i = 0; i < n; i++) {
                total += 1 << caseVariableBytes(list[i]);
            }
            byte[][] cased = new byte[total][];
            int[] casedBack = new int[total];
            int m = 0;
            for (int i = 0; i < n; i++) {
                m = caseCombinations(list[i], back[i], cased, casedBack, m);
            }
            list = cased;
            back = casedBack;
            n = m;
        }
        if (xor) {
            int keys = Math.max(0, xorMax - xorMin + 1);
            byte[][] keyed = new byte[n * keys][];
            int[] keyedBack = new int[n * keys];
            int m = 0;
            for (int i = 0; i < n; i++) {
                for (int k = xorMin; k <= xorMax; k++) {
                    byte[] a = list[i].clone();
                    for (int j = 0; j < a.length; j++) {
                        a[j] ^= (byte) k;
                    }
                    keyed[m] = a;
                    keyedBack[m++] = back[i];
                }
            }
            list = keyed;
            back = keyedBack;
            n = m;
        }
        return new Forms(list, back, n);
    }

    /** The text as its wide form has it: each character followed by a zero byte. */
    private static byte[] wideBytes(byte[] text) {
        byte[] w = new byte[2 * text.length];
        for (int i = 0; i < text.length; i++) {
            w[2 * i] = text[i];
        }
        return w;
    }

    /** The quality of a wide window of two letters (66); two other plain characters reach 70 at most. */
    private static final int GOOD_WIDE_QUALITY = AtomQuality.quality(new byte[] {'a', 0, 'b', 0});

    /**
     * The byte offset of the wide atom in the wide form: YARA's (the window's first two characters, given as
     * {@code yaraBack}) unless a 4-byte window of the wide bytes has a higher quality. YARA's two characters are
     * only as good as the ascii window's start: {@code "\x00\x00ER\x00\x00" wide} got {@code 00 00 00 00}, hit
     * 15.3 million times over the benchmark corpus, where {@code 45 00 52 00} is rare.
     */
    private static int wideWindow(byte[] text, int yaraBack) {
        if (text.length < 2) {
            return yaraBack;
        }
        byte[] w = wideBytes(text);
        int best = yaraBack;
        int bestQ = AtomQuality.quality(w, yaraBack, 4);
        if (bestQ >= GOOD_WIDE_QUALITY) {
            return yaraBack; // two plain characters: no window of wide bytes is much better (most wide strings)
        }
        for (int i = 0; i + 4 <= w.length; i++) {
            int q = AtomQuality.quality(w, i, 4);
            if (q > bestQ) {
                best = i;
                bestQ = q;
            }
        }
        return best;
    }

    private static long atomKey(byte[] atom, int back) {
        long bytes = 0;
        for (byte b : atom) {
            bytes = bytes << 8 | (b & 0xFF);
        }
        return (long) back << 35 | (long) atom.length << 32 | bytes;
    }

    private static int caseVariableBytes(byte[] atom) {
        int count = 0;
        for (byte b : atom) {
            if (RegexParser.altercase(b & 0xFF) != (b & 0xFF)) {
                count++;
            }
        }
        return count;
    }

    /**
     * The bytes fixed around the atom by every form (ascii or wide, xor key) whose own atom this is: a match in any
     * other form at the same start has an atom of its own, whose hit finds it (the form checked at a start does not
     * depend on which hit led there).
     */
    @Override
    public HitFilter hitFilter(int atom) {
        if (atom < 0 || atom >= atomBack.length) {
            return null;
        }
        byte[] a = atoms.get(atom);
        HitFilter.Bytes common = null;
        for (int form = 0; form < 2; form++) {
            boolean w = form == 1;
            if (w ? !wide : !ascii) {
                continue;
            }
            int back = w ? wideBack : window;
            if (back != atomBack[atom]) {
                continue;
            }
            // the atom's first byte is the form's byte there under the form's key: one key per form
            int first = !w ? text[window] : (wideBack & 1) == 0 ? text[wideBack / 2] : 0;
            int k = xor ? (a[0] ^ first) & 0xFF : 0;
            if (k < (xor ? xorMin : 0) || k > (xor ? xorMax : 0)) {
                continue;
            }
            HitFilter.Bytes f = formBytes(w, k, -back);
            if (!holds(f, a)) {
                continue;
            }
            if (common == null) {
                common = f;
            } else {
                common.intersect(f);
            }
        }
        return common == null ? null : common.best(a.length, 0);
    }

    /** The bytes of one form of the text starting at {@code origin}. */
    private HitFilter.Bytes formBytes(boolean w, int key, int origin) {
        HitFilter.Bytes f = new HitFilter.Bytes();
        int step = w ? 2 : 1;
        // only the characters within the filter's reach of the atom count (texts can be far longer)
        for (int i = Math.max(0, (-HitFilter.REACH - 1 - origin) / step); i < text.length; i++) {
            int rel = origin + step * i;
            if (rel >= HitFilter.REACH) {
                break;
            }
            int c = text[i] & 0xFF;
            if (nocase && lower[i] >= 'a' && lower[i] <= 'z') {
                f.require(rel, 0xDF, c & 0xDF);
            } else {
                f.require(rel, 0xFF, c ^ key);
            }
            if (w) {
                f.require(rel + 1, 0xFF, key);
            }
        }
        return f;
    }

    private static boolean holds(HitFilter.Bytes f, byte[] atom) {
        for (int j = 0; j < atom.length; j++) {
            int i = j + HitFilter.REACH;
            if (i < f.mask.length && ((atom[j] & f.mask[i]) != f.value[i])) {
                return false;
            }
        }
        return true;
    }

    int minQuality() {
        return minQuality;
    }

    /**
     * Writes every case combination of {@code atom} into {@code out} from {@code at} (the atom itself first, then
     * each case-variable byte flipped in turn over all combinations so far); returns the next free index.
     */
    private static int caseCombinations(byte[] atom, int back, byte[][] out, int[] outBack, int at) {
        int first = at;
        out[at] = atom.clone();
        outBack[at++] = back;
        for (int i = 0; i < atom.length; i++) {
            int b = atom[i] & 0xFF;
            int alt = RegexParser.altercase(b);
            if (alt == b) {
                continue;
            }
            int end = at;
            for (int j = first; j < end; j++) {
                byte[] c = out[j].clone();
                c[i] = (byte) alt;
                out[at] = c;
                outBack[at++] = back;
            }
        }
        return at;
    }

    static int lowercase(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    @Override
    public int startSpan(int atom) {
        return 1; // each atom has one place in its form
    }

    @Override
    public void firstBytes(long[] out, int at) {
        if (text.length == 0) {
            CompiledString.super.firstBytes(out, at);
            return;
        }
        // every form begins with the first character under its key (0 without xor), in either case with nocase
        int c = text[0] & 0xFF;
        int alt = nocase ? RegexParser.altercase(c) : c;
        int from = xor ? xorMin : 0;
        int to = xor ? xorMax : 0;
        for (int k = from; k <= to; k++) {
            out[at + ((c ^ k) >>> 6)] |= 1L << (c ^ k);
            out[at + ((alt ^ k) >>> 6)] |= 1L << (alt ^ k);
        }
    }

    @Override
    public boolean oneHitFindsMatch() {
        return true;
    }

    @Override
    public boolean isLiteral() {
        return true;
    }

    @Override
    public String identifier() {
        return identifier;
    }

    @Override
    public List<byte[]> atoms() {
        return atoms;
    }

    @Override
    public int maxBack() {
        int m = 0;
        for (int b : atomBack) {
            m = Math.max(m, b);
        }
        return m + 2;
    }

    @Override
    public int maxForward() {
        return text.length * 2 + 2;
    }

    @Override
    public void verify(int atom, byte[] buf, long base, int valid, long size, int pos, StringMatches out) {
        if (out.full()) {
            return;
        }
        int start = atom >= 0 ? pos - atomBack[atom] : pos;
        if (start < 0 || base + start < 0) {
            return;
        }
        checkAt(buf, base, Math.min(valid, (int) Math.min(size - base, Integer.MAX_VALUE)), start, out);
    }

    /** Checks every form at {@code s} in YARA's order and records the first that matches. */
    void checkAt(byte[] buf, long base, int end, int s, StringMatches out) {
        if ((wide ? 2 * text.length : text.length) <= 4) {
            checkShortAt(buf, base, end, s, out);
            return;
        }
        int n = text.length;
        int avail = end - s;
        int len = 0;
        int key = 0;
        if (nocase) {
            if (ascii && avail >= n && compareIgnoreCase(buf, s)) {
                len = n;
            }
            if (len == 0 && wide && avail >= 2 * n && compareWideIgnoreCase(buf, s)) {
                len = 2 * n;
            }
        } else {
            if (ascii && avail >= n && compareXor(buf, s, 0)) {
                len = n;
            }
            if (len == 0 && wide && avail >= 2 * n && compareWideXor(buf, s, 0)) {
                len = 2 * n;
            }
            if (len == 0 && xor && avail >= 1) {
                int k = (buf[s] ^ text[0]) & 0xFF;
                if (k >= xorMin && k <= xorMax) {
                    if (wide && avail >= 2 * n && compareWideXor(buf, s, k)) {
                        len = 2 * n;
                        key = k;
                    } else if (ascii && avail >= n && compareXor(buf, s, k)) {
                        len = n;
                        key = k;
                    }
                }
            }
        }
        if (len == 0) {
            return;
        }
        if (fullword && !PatternString.fullwordOk(buf, base, s, len, end, len == 2 * n)) {
            return;
        }
        out.add(base + s, len, key, false);
    }

    /**
     * A string that fits in one atom is not compared by YARA: every atom hit is a match of the atom's length, checked
     * on its own for fullword. At one offset the ascii form's atom ends first, so it wins over the wide one.
     */
    private void checkShortAt(byte[] buf, long base, int end, int s, StringMatches out) {
        int n = text.length;
        int avail = end - s;
        for (int form = 0; form < 2; form++) {
            boolean w = form == 1;
            if (w ? !wide : !ascii) {
                continue;
            }
            int len = w ? 2 * n : n;
            if (avail < len) {
                continue;
            }
            int key = 0;
            boolean hit;
            if (nocase) {
                hit = w ? compareWideIgnoreCase(buf, s) : compareIgnoreCase(buf, s);
            } else if (xor) {
                key = (buf[s] ^ text[0]) & 0xFF;
                hit = key >= xorMin && key <= xorMax && (w ? compareWideXor(buf, s, key) : compareXor(buf, s, key));
            } else {
                hit = w ? compareWideXor(buf, s, 0) : compareXor(buf, s, 0);
            }
            if (hit && (!fullword || PatternString.fullwordOk(buf, base, s, len, end, w))) {
                out.add(base + s, len, key, false);
                return;
            }
        }
    }

    private boolean compareXor(byte[] buf, int s, int k) {
        for (int i = 0; i < text.length; i++) {
            if (((buf[s + i] ^ k) & 0xFF) != (text[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    private boolean compareWideXor(byte[] buf, int s, int k) {
        for (int i = 0; i < text.length; i++) {
            if (((buf[s + 2 * i] ^ k) & 0xFF) != (text[i] & 0xFF) || ((buf[s + 2 * i + 1] ^ k) & 0xFF) != 0) {
                return false;
            }
        }
        return true;
    }

    private boolean compareIgnoreCase(byte[] buf, int s) {
        for (int i = 0; i < text.length; i++) {
            if (lowercase(buf[s + i] & 0xFF) != (lower[i] & 0xFF)) {
                return false;
            }
        }
        return true;
    }

    private boolean compareWideIgnoreCase(byte[] buf, int s) {
        for (int i = 0; i < text.length; i++) {
            if (lowercase(buf[s + 2 * i] & 0xFF) != (lower[i] & 0xFF) || buf[s + 2 * i + 1] != 0) {
                return false;
            }
        }
        return true;
    }
}
