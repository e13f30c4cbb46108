package dev.vigil.engine.normalize;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Named character references as ClamAV decodes them (case-sensitive names, one UTF-16 unit each). */
final class HtmlEntities {
    private static final Map<String, Integer> BY_NAME = load();

    private HtmlEntities() {
    }

    /** The code unit for {@code name}, or -1 when ClamAV does not know the entity. */
    static int lookup(byte[] name, int len) {
        Integer v = BY_NAME.get(new String(name, 0, len, StandardCharsets.ISO_8859_1));
        return v == null ? -1 : v;
    }

    /**
     * Writes ClamAV's rendering of one UTF-16 unit: nothing for 0, the byte itself below 0xff, '.' for the three
     * "ideographic full stop" look-alikes, else {@code &#xhhhh;} with lower-case hex digits.
     *
     * @return the number of bytes written to {@code out} (at most 8)
     */
    static int renderUnit(int u16, byte[] out) {
        if (u16 == 0) {
            return 0;
        }
        if (u16 < 0xff) {
            out[0] = (byte) u16;
            return 1;
        }
        if (u16 == 0x3002 || u16 == 0xFF0E || u16 == 0xFE52) {
            out[0] = '.';
            return 1;
        }
        out[0] = '&';
        out[1] = '#';
        out[2] = 'x';
        for (int i = 6; i >= 3; i--) {
            out[i] = (byte) Character.forDigit(u16 & 0xf, 16);
            u16 >>>= 4;
        }
        out[7] = ';';
        return 8;
    }

    private static Map<String, Integer> load() {
        Map<String, Integer> map = new HashMap<>(1024);
        try (InputStream is = HtmlEntities.class.getResourceAsStream("html-entities.txt")) {
            if (is == null) {
                throw new IllegalStateException("html-entities.txt missing from the engine jar");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(is, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                map.put(line.substring(0, tab), Integer.parseInt(line.substring(tab + 1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(map);
    }
}
