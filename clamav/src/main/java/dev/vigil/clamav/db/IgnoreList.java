package dev.vigil.clamav.db;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names from {@code .ign}/{@code .ign2} files. A signature loaded later is dropped when its normalised name equals an
 * entry, and, for entries with an MD5, when that MD5 is the digest of the signature's whole line.
 */
public final class IgnoreList {
    private static final byte[] ANY_LINE = new byte[0];
    private final Map<String, List<byte[]>> entries = new HashMap<>();
    /** Entries that dropped a signature since {@link #startRecording()}, or null when not recording. */
    private Set<String> used;

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** @param md5 the 16-byte digest of the line to ignore, or null for any line with this name */
    public void add(String name, byte[] md5) {
        entries.computeIfAbsent(pad(name), k -> new ArrayList<>(1)).add(md5 == null ? ANY_LINE : md5);
    }

    /** @param rawName the name as written in the database, before any suffix is added */
    public boolean ignores(String rawName, byte[] line, int from, int to) {
        if (entries.isEmpty()) {
            return false;
        }
        List<byte[]> hits = entries.get(normalise(rawName));
        if (hits == null) {
            return false;
        }
        byte[] digest = null;
        for (byte[] md5 : hits) {
            if (md5 == ANY_LINE) {
                return dropped(normalise(rawName), md5);
            }
            if (digest == null) {
                digest = md5(line, from, to);
            }
            if (Arrays.equals(digest, md5)) {
                return dropped(normalise(rawName), md5);
            }
        }
        return false;
    }

    private boolean dropped(String name, byte[] md5) {
        if (used != null) {
            used.add(id(name, md5));
        }
        return true;
    }

    /** An entry's identity: its name and its MD5 (or none). */
    private static String id(String name, byte[] md5) {
        return name + '\0' + (md5 == ANY_LINE ? "*" : HexFormat.of().formatHex(md5));
    }

    /** Starts noting which entries drop signatures (for the hash segment of one database file). */
    public void startRecording() {
        used = new LinkedHashSet<>();
    }

    /** The identities of the entries that dropped a signature since {@link #startRecording()}. */
    public Set<String> stopRecording() {
        Set<String> out = used == null ? Set.of() : Set.copyOf(used);
        used = null;
        return out;
    }

    /** True if every entry of these identities (from {@link #stopRecording()}) is in this list. */
    public boolean containsAll(Set<String> ids) {
        for (String id : ids) {
            String name = id.substring(0, id.indexOf('\0'));
            if (entries.getOrDefault(name, List.of()).stream().noneMatch(md5 -> id(name, md5).equals(id))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The {@link #nameKeyHash name key hashes} of the entries other than {@code except}, sorted: a signature whose
     * display name has none of these key hashes cannot be dropped by those entries.
     */
    public long[] nameKeyHashesExcept(Set<String> except) {
        long[] out = new long[entries.size()];
        int n = 0;
        for (Map.Entry<String, List<byte[]>> e : entries.entrySet()) {
            boolean other = false;
            for (byte[] md5 : e.getValue()) {
                other |= !except.contains(id(e.getKey(), md5));
            }
            if (other) {
                byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
                out[n++] = nameKeyHash(b, 0, b.length);
            }
        }
        long[] hashes = Arrays.copyOf(out, n);
        Arrays.sort(hashes);
        return hashes;
    }

    private static final byte[] CLAM = " (Clam)".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLAUSE = ".{".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UNOFFICIAL = SignatureNames.UNOFFICIAL.getBytes(StandardCharsets.US_ASCII);

    /**
     * A hash of what an ignore entry and a signature name are compared on, coarsened so that it is equal for an entry
     * and the <em>display</em> name (UTF-8 bytes {@code b[from, from + length)}) of every signature the entry drops,
     * whatever the raw name was: the name up to the first {@code " (Clam)"} (which the display name cuts) and the
     * first {@code ".{"} (whose clause {@link #normalise} drops), without trailing {@code .UNOFFICIAL} suffixes and
     * spaces (padding). Distinct names may share a key; that only makes a reuse check more cautious.
     */
    public static long nameKeyHash(byte[] b, int from, int length) {
        int end = from + length;
        end = Math.min(end, find(b, from, end, CLAM));
        end = Math.min(end, find(b, from, end, CLAUSE));
        while (true) {
            if (end > from && b[end - 1] == ' ') {
                end--;
            } else if (end - from >= UNOFFICIAL.length
                    && Arrays.equals(b, end - UNOFFICIAL.length, end, UNOFFICIAL, 0, UNOFFICIAL.length)) {
                end -= UNOFFICIAL.length;
            } else {
                break;
            }
        }
        long h = 0xcbf29ce484222325L; // FNV-1a
        for (int i = from; i < end; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** The index of the first occurrence of {@code what} in {@code b[from, to)}, or {@code to}. */
    private static int find(byte[] b, int from, int to, byte[] what) {
        outer:
        for (int i = from; i + what.length <= to; i++) {
            for (int k = 0; k < what.length; k++) {
                if (b[i + k] != what[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return to;
    }

    /** ClamAV pads names shorter than three characters with spaces. */
    static String pad(String name) {
        return name.length() >= 3 ? name : (name + "   ").substring(0, 3);
    }

    /** ClamAV's normalisation: drops a trailing {@code .{...}} clause or {@code .UNOFFICIAL}. */
    static String normalise(String name) {
        int n = name.length();
        if (n > 3 && name.charAt(n - 1) == '}') {
            int clause = name.indexOf(".{");
            return clause < 0 ? name : pad(name.substring(0, clause));
        }
        if (n > 11) {
            return name.endsWith(SignatureNames.UNOFFICIAL) ? pad(name.substring(0, n - 11)) : name;
        }
        return n > 2 ? name : pad(name);
    }

    private static byte[] md5(byte[] line, int from, int to) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(line, from, to - from);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is a required JDK algorithm", e);
        }
    }
}
