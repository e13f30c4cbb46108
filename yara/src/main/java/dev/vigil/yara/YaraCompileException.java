package dev.vigil.yara;

import java.util.List;

/** Rules that do not compile; {@link #errors()} says where and why, like YARA. */
public final class YaraCompileException extends Exception {
    private final List<Diagnostic> errors;

    public YaraCompileException(List<Diagnostic> errors) {
        super(errors.isEmpty() ? "compile error" : errors.get(0).format());
        this.errors = List.copyOf(errors);
    }

    public List<Diagnostic> errors() {
        return errors;
    }
}
