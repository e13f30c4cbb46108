package dev.vigil.yara.strings;

/**
 * A regular expression in YARA's dialect (as written between slashes), for the {@code matches} operator and for
 * module functions that take a regex. String matching in the scan does not go through this class.
 */
public final class YaraRegex {

    private final Program program;
    private final boolean unknownEscape;
    private final ThreadLocal<PikeVm> vm = ThreadLocal.withInitial(PikeVm::new);

    private YaraRegex(Program program, boolean unknownEscape) {
        this.program = program;
        this.unknownEscape = unknownEscape;
    }

    /**
     * Compiles {@code source} with YARA's flags.
     *
     * @throws IllegalArgumentException with YARA-like wording when the expression is invalid
     */
    public static YaraRegex compile(String source, boolean nocase, boolean dotAll) {
        try {
            RegexParser p = RegexParser.parse(source, nocase, dotAll);
            if (ReNode.splits(p.root) > ReNode.MAX_SPLITS) {
                throw new StringCompileException("regular expression is too complex");
            }
            return new YaraRegex(Program.compile(p.root, PatternString.SCAN_LIMIT + 1), p.unknownEscape);
        } catch (StringCompileException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Whether the source escapes a byte yara does not know as an escape ({@code \c}); warns under --strict-escape. */
    public boolean hasUnknownEscape() {
        return unknownEscape;
    }

    /**
     * True when the expression matches somewhere in {@code data} (YARA's {@code matches}: unanchored search; like
     * YARA, only matches starting in the first 4096 bytes and ending within them are seen).
     */
    public boolean find(byte[] data) {
        return vm.get().search(program, data, Math.min(data.length, PatternString.SCAN_LIMIT));
    }
}
