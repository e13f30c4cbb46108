package dev.vigil.cli;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the plain {@code vigil scan} command lines (known options, each with its value in the next argument or after
 * {@code =}, and paths) straight into a {@link ScanCommand}, without picocli. Picocli builds its command model by
 * reflection and loads about 170 classes that the JDK's start-up caches cannot hold; that cost more CPU than loading
 * a compiled database. Anything this reader is not sure it reads exactly as picocli would (help, version, unknown or
 * clustered options, values that look like options, {@code @files}, bad values) makes it decline, and picocli then
 * handles the command line, its errors and its help as before. {@code ScanArgsFastPathTest} holds the two readers to
 * the same result.
 */
final class ScanArgsFastPath {
    private ScanArgsFastPath() {
    }

    /** The command {@code args} (which start with "scan") describe, or null to leave them to picocli. */
    static ScanCommand parse(String[] args, Io io) {
        if (args.length == 0 || !args[0].equals("scan")) {
            return null;
        }
        ScanCommand c = new ScanCommand(io);
        boolean optionsEnded = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.isEmpty() || a.charAt(0) == '@') {
                return null; // picocli reads @FILE as more arguments
            }
            if (optionsEnded || a.charAt(0) != '-') {
                c.paths.add(a);
                continue;
            }
            if (a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else if (a.length() != 2 && !a.startsWith("--")) {
                return null; // "-", clustered short options (-ri), -dFILE
            }
            if (isFlag(name)) {
                if (value == null) {
                    setFlag(c, name);
                    continue;
                }
                // clamscan's --flag=yes and --flag=no: ClamscanArgs turns the first into the bare flag and drops
                // the second (every such flag is off by default, so an earlier occurrence stays in force)
                switch (value.toLowerCase(Locale.ROOT)) {
                    case "yes", "true" -> setFlag(c, name);
                    case "no", "false" -> { }
                    default -> {
                        return null;
                    }
                }
                continue;
            }
            if (value == null) {
                if (optional(name)) {
                    return null; // arity 0..1: whether the next argument is its value is picocli's call
                }
                if (i + 1 >= args.length) {
                    return null;
                }
                value = args[++i];
                if (value.isEmpty() || value.charAt(0) == '-' || value.charAt(0) == '@') {
                    return null;
                }
            }
            if (value.isEmpty()) {
                return null;
            }
            try {
                if (!option(c, name, value)) {
                    return null;
                }
            } catch (RuntimeException e) {
                return null; // picocli reports the bad value in its own words
            }
        }
        return c;
    }

    /** The on/off options (help and version are left to picocli). */
    private static boolean isFlag(String name) {
        return switch (name) {
            case "-r", "--recursive", "-z", "--allmatch", "-i", "--infected", "-o", "--suppress-ok-results",
                 "--no-summary", "--detect-pua", "--alert-exceeds-max", "--json", "--no-progress" -> true;
            default -> false;
        };
    }

    private static void setFlag(ScanCommand c, String name) {
        switch (name) {
            case "-r", "--recursive" -> c.recursive = true;
            case "-z", "--allmatch" -> c.allMatch = true;
            case "-i", "--infected" -> c.infectedOnly = true;
            case "-o", "--suppress-ok-results" -> c.suppressOk = true;
            case "--no-summary" -> c.noSummary = true;
            case "--detect-pua" -> c.detectPua = true;
            case "--alert-exceeds-max" -> c.alertExceedsMax = true;
            case "--json" -> c.json = true;
            case "--no-progress" -> c.noProgress = true;
            default -> throw new IllegalArgumentException(name);
        }
    }

    private static boolean optional(String name) {
        return name.equals("--scan-archive") || name.equals("--alert-encrypted")
                || name.equals("--alert-encrypted-archive");
    }

    /** Sets the option {@code name} that takes {@code value}; false if there is no such option. */
    private static boolean option(ScanCommand c, String name, String value) {
        switch (name) {
            case "-d", "--database" -> c.databases.add(Path.of(value));
            case "--rules" -> c.yaraRules.add(Path.of(value));
            case "-f", "--file-list" -> c.fileList = Path.of(value);
            case "--max-filesize" -> c.maxFileSize = SizeConverter.parse(value);
            case "--max-scansize" -> c.maxScanSize = SizeConverter.parse(value);
            case "--max-recursion" -> c.maxRecursion = decimalInt(value);
            case "--max-files" -> c.maxFiles = decimalInt(value);
            case "--max-scantime" -> c.maxScanTime = decimalLong(value);
            case "--max-embeddedpe" -> c.maxEmbeddedPe = SizeConverter.parse(value);
            case "--max-htmlnormalize" -> c.maxHtmlNormalize = SizeConverter.parse(value);
            case "--max-htmlnotags" -> c.maxHtmlNoTags = SizeConverter.parse(value);
            case "--max-scriptnormalize" -> c.maxScriptNormalize = SizeConverter.parse(value);
            case "--max-ziptypercg" -> c.maxZipTypeRcg = SizeConverter.parse(value);
            case "--pcre-max-filesize" -> c.pcreMaxFileSize = SizeConverter.parse(value);
            case "--max-partitions", "--max-iconspe", "--max-rechwp3", "--pcre-match-limit", "--pcre-recmatch-limit" ->
                    c.limitsWithoutEffect.add(decimalLong(value));
            case "--scan-archive" -> c.scanArchive = yesNo(value);
            case "--alert-encrypted", "--alert-encrypted-archive" -> c.alertEncrypted = yesNo(value);
            case "--max-dir-recursion" -> c.maxDirRecursion = decimalInt(value);
            case "--follow-dir-symlinks" -> c.followDirSymlinks = decimalInt(value);
            case "--follow-file-symlinks" -> c.followFileSymlinks = decimalInt(value);
            case "--cross-fs" -> c.crossFs = yesNo(value);
            case "--threads" -> c.threads = decimalInt(value);
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Plain decimal digits only: there picocli's Integer.valueOf and this agree. */
    private static int decimalInt(String value) {
        return Integer.parseInt(digits(value));
    }

    private static long decimalLong(String value) {
        return Long.parseLong(digits(value));
    }

    private static String digits(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new NumberFormatException(value);
            }
        }
        return value;
    }

    private static boolean yesNo(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw new IllegalArgumentException(value);
        };
    }
}
