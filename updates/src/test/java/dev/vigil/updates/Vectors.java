package dev.vigil.updates;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Access to ../shared/conformance/tlog (system property vigil.shared). */
public final class Vectors {
    private Vectors() {
    }

    public static Path root() {
        String shared = System.getProperty("vigil.shared", "../../shared");
        Path dir = Path.of(shared, "conformance", "tlog");
        if (Boolean.getBoolean("vigil.requireOracles")) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("conformance vectors missing: " + dir);
            }
        } else {
            assumeTrue(Files.isDirectory(dir), "conformance vectors not present at " + dir);
        }
        return dir;
    }

    public static Path file(String relative) {
        return root().resolve(relative);
    }

    public static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(String relative) {
        return (Map<String, Object>) Json.parse(new String(bytes(relative), StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    public static List<String> strings(Map<String, Object> m, String key) {
        return (List<String>) m.get(key);
    }

    public static String str(Map<String, Object> m, String key) {
        return (String) m.get(key);
    }

    public static long num(Map<String, Object> m, String key) {
        return ((Json.Num) m.get(key)).asLong();
    }

    public static boolean bool(Map<String, Object> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
