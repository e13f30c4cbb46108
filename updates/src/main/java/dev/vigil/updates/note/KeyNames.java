package dev.vigil.updates.note;

import dev.vigil.updates.FormatException;

/** Key name rules of c2sp.org/signed-note: non-empty, no Unicode space, no '+'. */
public final class KeyNames {
    /** Names are identifiers; anything longer than this is hostile input rather than a name. */
    public static final int MAX_LENGTH = 1024;

    private KeyNames() {
    }

    public static boolean isValid(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp == '+' || cp < 0x20 || Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85
                    || cp == 0x7f || Character.isSurrogate((char) cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    public static String check(String name) throws FormatException {
        if (!isValid(name)) {
            throw new FormatException("invalid key name");
        }
        return name;
    }
}
