package dev.vigil.yara.modules.elf;

import java.util.Arrays;

/**
 * TLSH locality-sensitive hash in the variant YARA's {@code elf.telfhash()} uses: 128 buckets, a one-byte checksum,
 * a 5-byte sliding window, and the "T1" version prefix. The two tables below are constants of the TLSH
 * specification (the Pearson permutation and the length-class boundaries), not code.
 */
final class Tlsh {

    private static final int MIN_LENGTH = 50;
    private static final int BUCKETS = 128;
    private static final int CODE_BYTES = BUCKETS / 4;

    /** TLSH's Pearson permutation of 0..255. */
    private static final int[] PEARSON = {
            1, 87, 49, 12, 176, 178, 102, 166, 121, 193, 6, 84, 249, 230, 44, 163,
            14, 197, 213, 181, 161, 85, 218, 80, 64, 239, 24, 226, 236, 142, 38, 200,
            110, 177, 104, 103, 141, 253, 255, 50, 77, 101, 81, 18, 45, 96, 31, 222,
            25, 107, 190, 70, 86, 237, 240, 34, 72, 242, 20, 214, 244, 227, 149, 235,
            97, 234, 57, 22, 60, 250, 82, 175, 208, 5, 127, 199, 111, 62, 135, 248,
            174, 169, 211, 58, 66, 154, 106, 195, 245, 171, 17, 187, 182, 179, 0, 243,
            132, 56, 148, 75, 128, 133, 158, 100, 130, 126, 91, 13, 153, 246, 216, 219,
            119, 68, 223, 78, 83, 88, 201, 99, 122, 11, 92, 32, 136, 114, 52, 10,
            138, 30, 48, 183, 156, 35, 61, 26, 143, 74, 251, 94, 129, 162, 63, 152,
            170, 7, 115, 167, 241, 206, 3, 150, 55, 59, 151, 220, 90, 53, 23, 131,
            125, 173, 15, 238, 79, 95, 89, 16, 105, 137, 225, 224, 217, 160, 37, 123,
            118, 73, 2, 157, 46, 116, 9, 145, 134, 228, 207, 212, 202, 215, 69, 229,
            27, 188, 67, 124, 168, 252, 42, 4, 29, 108, 21, 247, 19, 205, 39, 203,
            233, 40, 186, 147, 198, 192, 155, 33, 164, 191, 98, 204, 165, 180, 117, 76,
            140, 36, 210, 172, 41, 54, 159, 8, 185, 232, 113, 196, 231, 47, 146, 120,
            51, 65, 28, 144, 254, 221, 93, 189, 194, 139, 112, 43, 71, 109, 184, 209};

    /** Upper bound (inclusive) of each length class; the class of a length n is the i with TOP[i-1] < n <= TOP[i]. */
    private static final long[] LENGTH_CLASS_TOP = {
            1, 2, 3, 5, 7, 11, 17, 25,
            38, 57, 86, 129, 194, 291, 437, 656,
            854, 1110, 1443, 1876, 2439, 3171, 3475, 3823,
            4205, 4626, 5088, 5597, 6157, 6772, 7450, 8195,
            9014, 9916, 10907, 11998, 13198, 14518, 15970, 17567,
            19323, 21256, 23382, 25720, 28292, 31121, 34233, 37656,
            41422, 45564, 50121, 55133, 60646, 66711, 73382, 80721,
            88793, 97672, 107439, 118183, 130002, 143002, 157302, 173032,
            190335, 209369, 230306, 253337, 278670, 306538, 337191, 370911,
            408002, 448802, 493682, 543050, 597356, 657091, 722800, 795081,
            874589, 962048, 1058252, 1164078, 1280486, 1408534, 1549388, 1704327,
            1874759, 2062236, 2268459, 2495305, 2744836, 3019320, 3321252, 3653374,
            4018711, 4420582, 4862641, 5348905, 5883796, 6472176, 7119394, 7831333,
            8614467, 9475909, 10423501, 11465851, 12612437, 13873681, 15261050, 16787154,
            18465870, 20312458, 22343706, 24578077, 27035886, 29739474, 32713425, 35984770,
            39583245, 43541573, 47895730, 52685306, 57953837, 63749221, 70124148, 77136564,
            84850228, 93335252, 102668779, 112935659, 124229227, 136652151, 150317384, 165349128,
            181884040, 200072456, 220079703, 242087671, 266296456, 292926096, 322218735, 354440623,
            389884688, 428873168, 471760495, 518936559, 570830240, 627913311, 690704607, 759775136,
            835752671, 919327967, 1011260767, 1112386880, 1223623232, 1345985727, 1480584256, 1628642751,
            1791507135, 1970657856, 2167723648L, 2384496256L, 2622945920L, 2885240448L, 3173764736L, 3491141248L,
            3840255616L, 4224281216L};

    private Tlsh() {
    }

    private static int pearson(int salt, int a, int b, int c) {
        return PEARSON[PEARSON[PEARSON[PEARSON[salt] ^ a] ^ b] ^ c];
    }

    /** The hash as "T1" and 70 upper-case hex digits, or the empty string when the data is too short or too uniform. */
    static String hash(byte[] data) {
        if (data.length < MIN_LENGTH) {
            return "";
        }
        long[] buckets = new long[256];
        int checksum = 0;
        for (int p = 4; p < data.length; p++) {
            int a0 = data[p] & 0xff;
            int a1 = data[p - 1] & 0xff;
            int a2 = data[p - 2] & 0xff;
            int a3 = data[p - 3] & 0xff;
            int a4 = data[p - 4] & 0xff;
            checksum = pearson(0, a0, a1, checksum);
            buckets[pearson(2, a0, a1, a2)]++;
            buckets[pearson(3, a0, a1, a3)]++;
            buckets[pearson(5, a0, a2, a3)]++;
            buckets[pearson(7, a0, a2, a4)]++;
            buckets[pearson(11, a0, a1, a4)]++;
            buckets[pearson(13, a0, a3, a4)]++;
        }
        long[] sorted = Arrays.copyOf(buckets, BUCKETS);
        Arrays.sort(sorted);
        long q1 = sorted[BUCKETS / 4 - 1];
        long q2 = sorted[BUCKETS / 2 - 1];
        long q3 = sorted[BUCKETS - BUCKETS / 4 - 1];
        if (q3 == 0) {
            return "";
        }
        int nonZero = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (buckets[i] > 0) {
                nonZero++;
            }
        }
        if (nonZero <= BUCKETS / 2) {
            return "";
        }
        int[] code = new int[CODE_BYTES];
        for (int i = 0; i < CODE_BYTES; i++) {
            int h = 0;
            for (int j = 0; j < 4; j++) {
                long k = buckets[4 * i + j];
                int quartile = q3 < k ? 3 : q2 < k ? 2 : q1 < k ? 1 : 0;
                h += quartile << (j * 2);
            }
            code[i] = h;
        }
        // the ratios are computed in single precision, as TLSH does
        // (C multiplies in 32-bit unsigned arithmetic)
        int q1Ratio = (int) ((long) ((float) ((q1 * 100) & 0xffffffffL) / (float) q3) % 16);
        int q2Ratio = (int) ((long) ((float) ((q2 * 100) & 0xffffffffL) / (float) q3) % 16);
        StringBuilder out = new StringBuilder(72).append("T1");
        hex(out, swapNibbles(checksum));
        hex(out, swapNibbles(lengthClass(data.length)));
        hex(out, (q1Ratio << 4) | q2Ratio);
        for (int i = CODE_BYTES - 1; i >= 0; i--) {
            hex(out, code[i]);
        }
        return out.toString();
    }

    static int lengthClass(long length) {
        int bottom = 0;
        int top = LENGTH_CLASS_TOP.length;
        int idx = 85;
        while (true) {
            if (idx == 0) {
                return 0;
            }
            if (length <= LENGTH_CLASS_TOP[idx] && length > LENGTH_CLASS_TOP[idx - 1]) {
                return idx & 0xff;
            }
            if (length < LENGTH_CLASS_TOP[idx]) {
                top = idx - 1;
            } else {
                bottom = idx + 1;
            }
            idx = (bottom + top) / 2;
            if (idx >= LENGTH_CLASS_TOP.length) {
                return 0; // beyond the table: cannot happen for lengths below 2^32
            }
        }
    }

    private static int swapNibbles(int b) {
        return ((b >> 4) & 0x0f) | ((b << 4) & 0xf0);
    }

    private static void hex(StringBuilder out, int b) {
        out.append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 15, 16)));
    }
}
