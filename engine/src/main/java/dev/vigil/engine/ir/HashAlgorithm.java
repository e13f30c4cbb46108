package dev.vigil.engine.ir;

/** Digest algorithms of hash signatures, told apart by digest length as ClamAV does. */
public enum HashAlgorithm {
    MD5("MD5", 16), SHA1("SHA-1", 20), SHA256("SHA-256", 32);

    private final String jcaName;
    private final int length;

    HashAlgorithm(String jcaName, int length) {
        this.jcaName = jcaName;
        this.length = length;
    }

    public String jcaName() {
        return jcaName;
    }

    public int length() {
        return length;
    }

    /** The algorithm whose digest has this many bytes, or null. */
    public static HashAlgorithm ofLength(int bytes) {
        for (HashAlgorithm a : values()) {
            if (a.length == bytes) {
                return a;
            }
        }
        return null;
    }
}
