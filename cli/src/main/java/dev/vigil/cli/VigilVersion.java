package dev.vigil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, filled in by Maven resource filtering. */
final class VigilVersion {
    private static final String VERSION = load();

    private VigilVersion() {
    }

    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = VigilVersion.class.getResourceAsStream("vigil-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            // An unfiltered resource (running from an IDE without Maven) still says something sensible.
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
