package dev.vigil.yara.strings;

import java.util.List;

/**
 * Reference driver of the {@link CompiledString} contract: finds the atoms naively in a whole buffer and calls
 * {@code verify} for each occurrence in increasing position order. Tests use it; the engine's single pass must give the
 * same matches.
 */
public final class StringScanner {

    private StringScanner() {
    }

    public static StringMatches findAll(CompiledString string, byte[] data) {
        StringMatches out = new StringMatches();
        findAll(string, data, out);
        return out;
    }

    public static void findAll(CompiledString string, byte[] data, StringMatches out) {
        out.reset();
        List<byte[]> atoms = string.atoms();
        int n = data.length;
        if (atoms.isEmpty()) {
            for (int pos = 0; pos < n; pos++) {
                string.verify(-1, data, 0, n, n, pos, out);
            }
            return;
        }
        // Index atoms by first byte so the naive search stays cheap for many atoms (xor, nocase).
        int[][] byFirst = new int[256][];
        int[] counts = new int[256];
        for (byte[] a : atoms) {
            counts[a[0] & 0xFF]++;
        }
        for (int b = 0; b < 256; b++) {
            byFirst[b] = new int[counts[b]];
            counts[b] = 0;
        }
        for (int i = 0; i < atoms.size(); i++) {
            int b = atoms.get(i)[0] & 0xFF;
            byFirst[b][counts[b]++] = i;
        }
        for (int pos = 0; pos < n; pos++) {
            for (int idx : byFirst[data[pos] & 0xFF]) {
                byte[] a = atoms.get(idx);
                if (pos + a.length > n) {
                    continue;
                }
                boolean eq = true;
                for (int k = 1; k < a.length && eq; k++) {
                    eq = data[pos + k] == a[k];
                }
                if (eq) {
                    string.verify(idx, data, 0, n, n, pos, out);
                }
            }
        }
    }
}
