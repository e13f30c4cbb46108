package dev.vigil.clamav.cvd;

import java.util.List;
import java.util.Locale;

/**
 * Which names inside a container libclamav treats as database files (readdb.h, CLI_DBEXT, YARA build): only
 * these are loaded and checked against .info; anything else (COPYING, .info) is skipped.
 */
final class DatabaseNames {
    private static final List<String> EXTENSIONS = List.of(
            ".db", ".hdb", ".hdu", ".fp", ".mdb", ".mdu", ".hsb", ".hsu", ".sfp", ".msb", ".msu", ".ndb", ".ndu",
            ".ldb", ".ldu", ".sdb", ".zmd", ".rmd", ".pdb", ".gdb", ".wdb", ".cbc", ".ftm", ".cfg", ".cvd", ".cld",
            ".cud", ".cdb", ".cat", ".crb", ".idb", ".ioc", ".yar", ".yara", ".pwdb", ".ign", ".ign2", ".imp");

    private DatabaseNames() {
    }

    static boolean isDatabase(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String extension : EXTENSIONS) {
            if (lower.endsWith(extension)) {
                return true;
            }
        }
        return false;
    }
}
