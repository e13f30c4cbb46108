package dev.vigil.cli;

import dev.vigil.clamav.DefaultSignatures;

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
 * ({@code .cvd .cld .cud}, and the {@code .info} file of an unpacked container) where there are any.
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
        if (!(name.endsWith(".cvd") || name.endsWith(".cld") || name.endsWith(".cud") || name.endsWith(".info"))
                || !Files.isRegularFile(file)) {
            return null;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEADER_SIZE);
        } catch (IOException e) {
            return null;
        }
        String text = new String(head, StandardCharsets.US_ASCII);
        int nl = text.indexOf('\n');
        if (nl >= 0) {
            text = text.substring(0, nl); // .info: the header is its first line
        }
        String[] f = text.strip().split(":", -1);
        if (f.length < 5 || !f[0].equals("ClamAV-VDB")) {
            return null;
        }
        // Field 1 is the build time, written with '-' for ':' in the clock time; fields 2 and 3 the version and count.
        String built = f[1].replaceFirst(" (\\d\\d)-(\\d\\d) ", " $1:$2 ");
        return "version " + f[2] + ", " + f[3] + " signatures, built " + built;
    }
}
