package dev.vigil.cli;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.DefaultSignatures;
import dev.vigil.clamav.cvd.CvdContainer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code vigil --version}: Vigil's version and the signature set a scan would load: the built-in defaults, or each
 * database given with -d, with version, signature count and build time from ClamAV container headers
 * ({@code .cvd .cld .cud} through {@link CvdContainer#readHeader}, and the first line of an unpacked container's
 * {@code .info} file) where there are any.
 */
final class VersionReport {
    private static final int HEADER_SIZE = 512;

    private VersionReport() {
    }

    static void print(PrintStream out, List<Path> databases) {
        out.print("Vigil " + VigilVersion.get() + "\n");
        if (databases.isEmpty()) {
            out.print("Signatures: " + DefaultSignatures.description() + "\n");
            return;
        }
        for (Path db : databases) {
            out.print("Signatures: " + db + describe(db) + "\n");
        }
    }

    private static String describe(Path db) {
        if (Files.isDirectory(db)) {
            List<String> parts = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(db)) {
                for (Path p : ds) {
                    String h = header(p);
                    if (h != null) {
                        parts.add(p.getFileName() + " " + h);
                    }
                }
            } catch (IOException e) {
                return " (" + Errors.strerror(e) + ")";
            }
            parts.sort(null);
            return parts.isEmpty() ? " (directory)" : " (directory: " + String.join("; ", parts) + ")";
        }
        if (!Files.exists(db)) {
            return " (No such file or directory)";
        }
        String h = header(db);
        return h == null ? "" : " (" + h + ")";
    }

    /** "version N, S signatures, built T" from a container header, or null when the file has none. */
    static String header(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        if (name.endsWith(".cvd") || name.endsWith(".cld") || name.endsWith(".cud")) {
            try {
                CvdContainer.Header h = CvdContainer.readHeader(file);
                return summary(h.buildTime(), Integer.toString(h.version()), Integer.toString(h.signatures()));
            } catch (IOException | DatabaseException e) {
                return "unreadable header: " + printable(e.getMessage());
            }
        }
        if (name.endsWith(".info")) {
            try (InputStream in = Files.newInputStream(file)) {
                return header(in.readNBytes(HEADER_SIZE));
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    /** The summary of the header line that starts an unpacked container's .info file, or null if there is none. */
    static String header(byte[] head) {
        String text = new String(head, StandardCharsets.US_ASCII);
        int nl = text.indexOf('\n');
        if (nl >= 0) {
            text = text.substring(0, nl); // .info: the header is its first line
        }
        String[] f = text.strip().split(":", -1);
        if (f.length < 5 || !f[0].equals("ClamAV-VDB")) {
            return null;
        }
        return summary(f[1], f[2], f[3]);
    }

    private static String summary(String buildTime, String version, String signatures) {
        // The header writes the clock time with '-' for ':' ("22 Jun 2021 21-34 -0400"); sigtool shows ':'.
        String built = buildTime.replaceFirst(" (\\d\\d)-(\\d\\d) ", " $1:$2 ");
        return printable("version " + version + ", " + signatures + " signatures, built " + built);
    }

    /** Header text comes from any file given with -d: keep terminal control sequences out of the report. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
