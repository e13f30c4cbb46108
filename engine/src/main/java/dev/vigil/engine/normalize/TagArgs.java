package dev.vigil.engine.normalize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The attributes of the tag being parsed. ClamAV keeps all of them, but only a few are ever read back
 * ({@code language}, {@code href}, {@code src}) and only a {@code <script>} tag is ever re-emitted whole, so for any
 * other tag just the first of those names is kept: memory stays small for tags with millions of attributes.
 */
final class TagArgs {
    /** Beyond this many attributes on one script tag, further ones are dropped (ClamAV would keep them). */
    static final int MAX_KEPT = 65536;
    private static final String[] INTERESTING = {"language", "href", "src"};

    private final List<byte[]> names = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();

    /** Adds the attribute whose NUL-terminated name is in {@code nameBuf}; {@code valueBuf} is null for none. */
    void add(byte[] nameBuf, byte[] valueBuf, boolean keepAll) {
        byte[] name = Arrays.copyOf(nameBuf, HtmlNormalizer.cstrlen(nameBuf));
        if (!keepAll && (!interesting(name) || value(name) != null || contains(name))) {
            return;
        }
        if (names.size() >= MAX_KEPT) {
            return;
        }
        byte[] value = null;
        if (valueBuf != null) {
            int len = HtmlNormalizer.cstrlen(valueBuf);
            if (len > 0 && valueBuf[0] == '"') {
                // a quoted value loses its first and its last character
                int inner = len - 1;
                value = Arrays.copyOfRange(valueBuf, 1, 1 + Math.max(0, inner - 1));
            } else {
                value = Arrays.copyOf(valueBuf, len);
            }
        }
        names.add(name);
        values.add(value);
    }

    private boolean contains(byte[] name) {
        for (byte[] n : names) {
            if (Arrays.equals(n, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean interesting(byte[] name) {
        for (String s : INTERESTING) {
            if (Arrays.equals(name, s.getBytes(StandardCharsets.US_ASCII))) {
                return true;
            }
        }
        return false;
    }

    byte[] value(String name) {
        return value(name.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] value(byte[] name) {
        for (int i = 0; i < names.size(); i++) {
            if (Arrays.equals(names.get(i), name)) {
                return values.get(i);
            }
        }
        return null;
    }

    void set(String name, String value) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < names.size(); i++) {
            if (Arrays.equals(names.get(i), n)) {
                values.set(i, value.getBytes(StandardCharsets.US_ASCII));
                return;
            }
        }
    }

    /** Re-emits the tag the way ClamAV does for decoded scripts: {@code <tag name="lower-cased value" ...>}. */
    void writeTag(OutputBuffer out, byte[] tag, int tagLength) {
        out.put('<');
        out.put(tag, 0, HtmlNormalizer.cstrlen(tag));
        for (int i = 0; i < names.size(); i++) {
            out.put(' ');
            byte[] n = names.get(i);
            out.put(n, 0, n.length);
            byte[] v = values.get(i);
            if (v != null) {
                out.put(new byte[] {'=', '"'}, 0, 2);
                for (byte b : v) {
                    out.put(HtmlNormalizer.lower(b & 0xff));
                }
                out.put('"');
            }
        }
        out.put('>');
    }

    void clear() {
        names.clear();
        values.clear();
    }
}
