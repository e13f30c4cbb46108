package dev.vigil.clamav.hex;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.BodyPattern;

/** Parses ClamAV's hex body-pattern syntax into the engine IR. */
public final class HexPatternParser {
    private HexPatternParser() {
    }

    public static BodyPattern parse(String hex) throws SignatureSyntaxException {
        throw new SignatureSyntaxException("TODO(clamav-readers): hex parser");
    }
}
