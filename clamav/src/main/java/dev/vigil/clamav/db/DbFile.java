package dev.vigil.clamav.db;

import java.util.Locale;

/**
 * One database file to read: its name (for messages and for the extension that selects the reader), its bytes, and
 * whether it came from a signed container (names stay official) or any container (ClamAV reads lines differently).
 */
public record DbFile(String displayName, String fileName, byte[] content, boolean official, boolean fromContainer) {

    /** True when the file name ends with {@code suffix}, ignoring case, as ClamAV tests extensions. */
    public boolean hasSuffix(String suffix) {
        return endsWithIgnoreCase(fileName, suffix);
    }

    public static boolean endsWithIgnoreCase(String name, String suffix) {
        return name.length() >= suffix.length()
                && name.regionMatches(true, name.length() - suffix.length(), suffix, 0, suffix.length());
    }

    public String lowerName() {
        return fileName.toLowerCase(Locale.ROOT);
    }
}
