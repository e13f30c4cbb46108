package dev.vigil.updates.checkpoint;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.note.Note;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A checkpoint body (c2sp.org/tlog-checkpoint): origin, decimal tree size, base64 SHA-256 root, then optional
 * non-empty extension lines, every line ending in a newline. The size is an unsigned 64-bit value.
 */
public record Checkpoint(String origin, long size, byte[] root, List<String> extensions) {
    public static final int HASH_LENGTH = 32;
    /** Extension lines are NOT RECOMMENDED, but Go accepts a thousand; the 1 MiB text bound limits them anyway. */
    public static final int MAX_EXTENSIONS = 16_384;

    public Checkpoint {
        extensions = List.copyOf(extensions);
        root = root.clone();
    }

    public Checkpoint(String origin, long size, byte[] root) {
        this(origin, size, root, List.of());
    }

    public static Checkpoint parse(byte[] text) throws FormatException {
        Note.checkText(text);
        String s = new String(text, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        int pos = 0;
        while (pos < s.length()) {
            int nl = s.indexOf('\n', pos);
            lines.add(s.substring(pos, nl));
            pos = nl + 1;
            if (lines.size() > 3 + MAX_EXTENSIONS) {
                throw new FormatException("checkpoint has too many extension lines");
            }
        }
        if (lines.size() < 3) {
            throw new FormatException("checkpoint needs origin, size and root lines");
        }
        String origin = lines.get(0);
        if (origin.isEmpty()) {
            throw new FormatException("checkpoint origin is empty");
        }
        long size = Encoding.parseUnsignedDecimal(lines.get(1), "checkpoint size");
        byte[] root = Encoding.decodeBase64(lines.get(2), "checkpoint root hash");
        if (root.length != HASH_LENGTH) {
            throw new FormatException("checkpoint root hash must be 32 bytes, not " + root.length);
        }
        List<String> ext = lines.subList(3, lines.size());
        for (String line : ext) {
            if (line.isEmpty()) {
                throw new FormatException("checkpoint extension lines must not be empty");
            }
        }
        return new Checkpoint(origin, size, root, ext);
    }

    /** The note text: each field on its own line. */
    public byte[] format() {
        StringBuilder sb = new StringBuilder()
                .append(origin).append('\n')
                .append(Long.toUnsignedString(size)).append('\n')
                .append(Encoding.base64(root)).append('\n');
        for (String e : extensions) {
            sb.append(e).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Formats after checking that the result parses back to the same fields. */
    public byte[] formatChecked() throws FormatException {
        byte[] text = format();
        if (!parse(text).equals(this)) {
            throw new FormatException("checkpoint fields do not survive formatting");
        }
        return text;
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && origin.equals(c.origin) && size == c.size && Arrays.equals(root, c.root)
                && extensions.equals(c.extensions);
    }

    @Override
    public int hashCode() {
        return origin.hashCode() * 31 + Long.hashCode(size) + Arrays.hashCode(root);
    }

    @Override
    public String toString() {
        return origin + " size " + Long.toUnsignedString(size) + " root " + Encoding.base64(root);
    }
}
