package dev.vigil.engine.filetype;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.List;

/** Determines a file's type from its first bytes, as ClamAV does with its magic table. */
public final class FileTypeDetector {
    private final List<MagicRule> rules;

    private FileTypeDetector(List<MagicRule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The built-in table, extended (and overridden) by rules from databases, in order. */
    public static FileTypeDetector withDefaults(List<MagicRule> extra) {
        return new FileTypeDetector(extra); // TODO(filetype): built-in default table, ClamAV precedence rules
    }

    public List<MagicRule> rules() {
        return rules;
    }

    public FileType detect(ScanInput input) throws IOException {
        return FileType.BINARY_DATA; // TODO(filetype)
    }
}
