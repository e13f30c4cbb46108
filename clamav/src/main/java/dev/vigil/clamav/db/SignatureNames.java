package dev.vigil.clamav.db;

import dev.vigil.clamav.SignatureSyntaxException;

/** Detection names as ClamAV reports them. */
public final class SignatureNames {
    private static final String CLAM_SUFFIX = " (Clam)";
    public static final String UNOFFICIAL = ".UNOFFICIAL";

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
}
