package dev.vigil.yara.strings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A base64 / base64wide string: YARA turns it into an alternation of literal encodings and matches each alternative
 * from its own atom. When several alternatives match at one offset, the one whose atom ends first is verified first and
 * wins; this class picks the same one regardless of the order the atoms are reported in.
 */
final class Base64String implements CompiledString {

    private final String identifier;
    private final byte[][] alternatives;
    private final int[] atomEnd;
    private final List<byte[]> atoms;
    private final int[] atomBack;
    private final int maxLength;

    Base64String(String identifier, List<byte[]> alts) {
        this.identifier = identifier;
        this.alternatives = alts.toArray(new byte[0][]);
        this.atomEnd = new int[alternatives.length];
        List<byte[]> list = new ArrayList<>();
        this.atomBack = new int[alternatives.length];
        int max = 0;
        for (int i = 0; i < alternatives.length; i++) {
            byte[] a = alternatives[i];
            int window = AtomQuality.bestLiteralWindow(a);
            int len = Math.min(4, a.length);
            list.add(java.util.Arrays.copyOfRange(a, window, window + len));
            atomBack[i] = window;
            atomEnd[i] = window + len;
            max = Math.max(max, a.length);
        }
        this.atoms = Collections.unmodifiableList(list);
        this.maxLength = max;
    }

    int minQuality() {
        int q = AtomQuality.MAX_QUALITY;
        for (byte[] a : atoms) {
            q = Math.min(q, AtomQuality.quality(a));
        }
        return q;
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
        return maxLength;
    }

    @Override
    public int maxForward() {
        return maxLength;
    }

    @Override
    public void verify(int atom, byte[] buf, long base, int valid, long size, int pos, StringMatches out) {
        if (out.full() || atom < 0) {
            return;
        }
        int s = pos - atomBack[atom];
        if (s < 0) {
            return;
        }
        int end = (int) Math.min(valid, size - base);
        int best = -1;
        for (int i = 0; i < alternatives.length; i++) {
            byte[] a = alternatives[i];
            if (s + a.length > end || best >= 0 && atomEnd[i] >= atomEnd[best]) {
                continue;
            }
            boolean eq = true;
            for (int k = 0; k < a.length && eq; k++) {
                eq = buf[s + k] == a[k];
            }
            if (eq) {
                best = i;
            }
        }
        if (best >= 0) {
            out.add(base + s, alternatives[best].length, 0, false);
        }
    }
}
