package dev.vigil.clamav.db;

import dev.vigil.clamav.SignatureSyntaxException;

/** Detection names as ClamAV reports them. */
public final class SignatureNames {
    private static final String CLAM_SUFFIX = " (Clam)";
    public static final String UNOFFICIAL = ".UNOFFICIAL";
    static final byte[] UNOFFICIAL_BYTES = UNOFFICIAL.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CLAM_SUFFIX_BYTES = CLAM_SUFFIX.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private SignatureNames() {
    }

    /** Strips {@code " (Clam)"} and everything after it, and marks names from unsigned sources. */
    public static String display(String raw, boolean official) throws SignatureSyntaxException {
        int clam = raw.indexOf(CLAM_SUFFIX);
        String name = clam >= 0 ? raw.substring(0, clam) : raw;
        if (name.isEmpty()) {
            throw new SignatureSyntaxException("empty signature name");
        }
        return official ? name : name + UNOFFICIAL;
    }

    static boolean isAscii(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #display} on an ASCII name held as bytes {@code b[from, to)}: returns where the name ends once
     * {@code " (Clam)"} and what follows are cut (the caller adds the unofficial suffix).
     */
    static int displayEnd(byte[] b, int from, int to) throws SignatureSyntaxException {
        int end = to;
        byte[] clam = CLAM_SUFFIX_BYTES;
        outer:
        for (int i = from; i + clam.length <= to; i++) {
            for (int k = 0; k < clam.length; k++) {
                if (b[i + k] != clam[k]) {
                    continue outer;
                }
            }
            end = i;
            break;
        }
        if (end == from) {
            throw new SignatureSyntaxException("empty signature name");
        }
        return end;
    }
}
