package dev.vigil.yara;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Compiles YARA rule sources into {@link YaraRules}. Sources added to one compiler form one rule set: a rule may
 * refer to rules added before it, as with {@code yara}'s several rule files. Not thread-safe; the result is.
 */
public final class YaraCompiler {

    /**
     * Defines an external variable ({@code yara -d name=value}); {@code value} is a Long, Double, Boolean or
     * String.
     */
    public YaraCompiler defineExternal(String name, Object value) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Unknown escapes in regular expressions warn (YARA's {@code --strict-escape}). */
    public YaraCompiler strictEscape(boolean on) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Adds a rule file; includes resolve relative to it. Errors are collected, {@link #compile()} reports them. */
    public YaraCompiler addFile(Path file, String namespace) throws IOException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Adds rule source text; {@code fileName} names it in diagnostics, includes resolve against the working directory. */
    public YaraCompiler addSource(String source, String namespace, String fileName) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Warnings so far, in source order. */
    public List<Diagnostic> warnings() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The compiled rules, or every error found. */
    public YaraRules compile() throws YaraCompileException {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
