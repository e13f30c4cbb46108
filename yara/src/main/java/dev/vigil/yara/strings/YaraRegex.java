package dev.vigil.yara.strings;

/**
 * A regular expression in YARA's dialect (as written between slashes), for the {@code matches} operator and for
 * module functions that take a regex. String matching in the scan does not go through this class.
 */
public final class YaraRegex {

    private YaraRegex() {
    }

    /**
     * Compiles {@code source} with YARA's flags.
     *
     * @throws IllegalArgumentException with YARA-like wording when the expression is invalid
     */
    public static YaraRegex compile(String source, boolean nocase, boolean dotAll) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** True when the expression matches somewhere in {@code data} (YARA's {@code matches}: unanchored search). */
    public boolean find(byte[] data) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
