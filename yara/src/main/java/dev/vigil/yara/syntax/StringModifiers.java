package dev.vigil.yara.syntax;

/**
 * The modifiers written after a YARA string. Combinations YARA refuses are rejected by the parser, so a value of this
 * record is always legal. With neither {@code ascii} nor {@code wide} written, {@code ascii} is true.
 *
 * @param xorMin         first xor key (0 when {@code xor} has no range); only meaningful when {@code xor}
 * @param xorMax         last xor key, inclusive (255 when {@code xor} has no range)
 * @param base64Alphabet custom 64-byte alphabet of {@code base64(...)}, or null for the standard one
 * @param base64WideAlphabet custom alphabet of {@code base64wide(...)}, or null
 */
public record StringModifiers(boolean nocase, boolean ascii, boolean wide, boolean fullword, boolean isPrivate,
                              boolean xor, int xorMin, int xorMax,
                              boolean base64, byte[] base64Alphabet, boolean base64Wide, byte[] base64WideAlphabet) {

    public static final StringModifiers NONE =
            new StringModifiers(false, true, false, false, false, false, 0, 0, false, null, false, null);
}
