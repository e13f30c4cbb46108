package dev.vigil.updates.monitor;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signature names of text databases, read line by line: the name field of ClamAV's line formats (.hdb, .hsb, .mdb,
 * .msb, .imp, .fp, .sfp: third ':' field; .ndb, .cdb, .idb, .ign, .ign2: first ':' field; .ldb, .crb: first ';'
 * field; .db: before '='; .ftm: fourth ':' field), and the rule names of YARA files (a line that starts with
 * {@code [private|global] rule NAME}). This is a simple extraction, not a parser: a YARA rule declared after other
 * text on the same line is missed, and one inside a multi-line comment is counted.
 */
public final class LineSignatureNames implements SignatureLister {
    private static final Pattern YARA_RULE =
            Pattern.compile("^\\s*(?:(?:private|global)\\s+)*rule\\s+([A-Za-z_][A-Za-z0-9_]*)");
    /** Longer lines are not signatures anyone reviews by name; skipping them keeps memory bounded. */
    private static final int MAX_NAME = 1024;

    @Override
    public Set<String> names(String artifactName, Path file) throws IOException {
        String ext = extension(artifactName);
        Extractor x = extractor(ext);
        if (x == null) {
            return null;
        }
        Set<String> out = new TreeSet<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String name = x.name(line);
                if (name != null && !name.isEmpty() && name.length() <= MAX_NAME) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** Names from the text of one database file (used for the members of ClamAV containers). */
    public static Set<String> names(String fileName, byte[] content) {
        Extractor x = extractor(extension(fileName));
        if (x == null) {
            return null;
        }
        Set<String> out = new TreeSet<>();
        for (String line : new String(content, StandardCharsets.ISO_8859_1).split("\r?\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String name = x.name(line);
            if (name != null && !name.isEmpty() && name.length() <= MAX_NAME) {
                out.add(name);
            }
        }
        return out;
    }

    private interface Extractor {
        String name(String line);
    }

    static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static Extractor extractor(String ext) {
        return switch (ext) {
            case "hdb", "hsb", "hdu", "hsu", "mdb", "msb", "mdu", "msu", "imp", "fp", "sfp" -> l -> field(l, ':', 2);
            case "ndb", "ndu", "cdb", "idb", "ign", "ign2" -> l -> field(l, ':', 0);
            case "ldb", "ldu", "crb" -> l -> field(l, ';', 0);
            case "ftm" -> l -> field(l, ':', 3);
            case "db" -> l -> {
                int eq = l.indexOf('=');
                return eq < 0 ? null : l.substring(0, eq);
            };
            case "yar", "yara" -> l -> {
                Matcher m = YARA_RULE.matcher(l);
                return m.lookingAt() ? m.group(1) : null;
            };
            default -> null;
        };
    }

    private static String field(String line, char sep, int index) {
        int start = 0;
        for (int i = 0; i < index; i++) {
            start = line.indexOf(sep, start);
            if (start < 0) {
                return null;
            }
            start++;
        }
        int end = line.indexOf(sep, start);
        return (end < 0 ? line.substring(start) : line.substring(start, end)).strip();
    }
}
