package dev.vigil.clamav.cvd;

/** Makes untrusted text safe and short enough to quote in an error message. */
final class Texts {
    private static final int MAX_QUOTED = 64;

    private Texts() {
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_QUOTED) + 8).append('"');
        int limit = Math.min(text.length(), MAX_QUOTED);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                out.append(c);
            } else {
                out.append(String.format("\\x%02x", (int) c & 0xFF));
            }
        }
        if (text.length() > limit) {
            out.append("...");
        }
        return out.append('"').toString();
    }
}
