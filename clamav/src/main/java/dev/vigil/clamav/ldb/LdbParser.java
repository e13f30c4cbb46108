package dev.vigil.clamav.ldb;

import dev.vigil.clamav.LoadOptions;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.LogicalSignature;

/** Parses one line of a logical-signature database (.ldb/.ldu). */
public final class LdbParser {
    private LdbParser() {
    }

    /**
     * Parses a line (without its line terminator; comments and names' {@code .UNOFFICIAL} suffix are the caller's).
     * Returns null when ClamAV would skip the signature silently (FLEVEL out of range, unknown target, ...).
     */
    public static LogicalSignature parse(String line, String name, LoadOptions options) throws SignatureSyntaxException {
        throw new SignatureSyntaxException("TODO(clamav-ldb)");
    }
}
