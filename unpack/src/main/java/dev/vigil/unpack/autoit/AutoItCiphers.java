package dev.vigil.unpack.autoit;

/**
 * The two keystreams AutoIt 3 uses to obscure compiled scripts: a Mersenne Twister (EA05) and a lagged-Fibonacci
 * style generator (EA06) whose bytes ClamAV derives through a double in [0, 1); that double is exactly
 * {@code rolled / 2^32}, so its byte is computed here in integers.
 */
final class AutoItCiphers {
    private AutoItCiphers() {
    }

    /** XORs {@code b[from, from + length)} with MT19937 seeded by {@code seed}, one byte per output: bits 1-8. */
    static void mersenne(byte[] b, int from, int length, long seed) {
        int[] mt = new int[624];
        mt[0] = (int) seed;
        for (int i = 1; i < 624; i++) {
            mt[i] = i + 0x6c078965 * ((mt[i - 1] >>> 30) ^ mt[i - 1]);
        }
        int next = 624;
        for (int k = 0; k < length; k++) {
            if (next == 624) {
                regenerate(mt);
                next = 0;
            }
            int r = mt[next++];
            r ^= r >>> 11;
            r ^= (r << 7) & 0x9d2c5680;
            r ^= (r << 15) & 0xefc60000;
            r ^= r >>> 18;
            b[from + k] ^= (byte) (r >>> 1);
        }
    }

    private static void regenerate(int[] mt) {
        for (int i = 0; i < 624; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
            mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
    }

    /** XORs {@code b[from, from + length)} with the EA06 keystream for a 16-bit seed. */
    static void lame(byte[] b, int from, int length, int seed) {
        int[] state = new int[17];
        int s = seed & 0xffff;
        for (int i = 0; i < 17; i++) {
            s *= 0x53a9b4fb;
            s = 1 - s;
            state[i] = s;
        }
        int[] c = {0, 10};
        for (int i = 0; i < 9; i++) {
            step(state, c);
        }
        for (int k = 0; k < length; k++) {
            step(state, c);
            b[from + k] ^= (byte) (step(state, c) >>> 24);
        }
    }

    private static int step(int[] state, int[] c) {
        int rolled = Integer.rotateLeft(state[c[0]], 9) + Integer.rotateLeft(state[c[1]], 13);
        state[c[0]] = rolled;
        c[0] = c[0] == 0 ? 16 : c[0] - 1;
        c[1] = c[1] == 0 ? 16 : c[1] - 1;
        return rolled;
    }
}
