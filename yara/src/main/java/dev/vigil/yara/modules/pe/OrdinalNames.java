package dev.vigil.yara.modules.pe;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Names YARA gives to functions imported by ordinal: known ones for ws2_32/wsock32/oleaut32, else "ordN". */
final class OrdinalNames {
    private static final Map<Integer, String> WINSOCK = new HashMap<>();
    private static final Map<Integer, String> OLEAUT = new HashMap<>();

    static {
        try (var in = OrdinalNames.class.getResourceAsStream("ordinals.txt");
                var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line; (line = reader.readLine()) != null;) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" ");
                (f[0].equals("ws2_32") ? WINSOCK : OLEAUT).put(Integer.parseInt(f[1]), f[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private OrdinalNames() {
    }

    /** YARA compares only the length of the known name, case-insensitively, so "ws2_32.dllX" matches too. */
    private static boolean startsWithIgnoreCase(byte[] dll, String prefix) {
        if (dll.length < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (Ascii.lower(dll[i]) != Ascii.lower((byte) prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static byte[] lookup(byte[] dll, int ordinal) {
        String name = null;
        if (startsWithIgnoreCase(dll, "WS2_32.dll") || startsWithIgnoreCase(dll, "wsock32.dll")) {
            name = WINSOCK.get(ordinal);
        } else if (startsWithIgnoreCase(dll, "oleaut32.dll")) {
            name = OLEAUT.get(ordinal);
        }
        if (name == null) {
            name = "ord" + ordinal;
        }
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
