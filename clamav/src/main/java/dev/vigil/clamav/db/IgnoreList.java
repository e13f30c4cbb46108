package dev.vigil.clamav.db;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names from {@code .ign}/{@code .ign2} files. A signature loaded later is dropped when its normalised name equals an
 * entry, and, for entries with an MD5, when that MD5 is the digest of the signature's whole line.
 */
public final class IgnoreList {
    private static final byte[] ANY_LINE = new byte[0];
    private final Map<String, List<byte[]>> entries = new HashMap<>();

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
                return true;
            }
            if (digest == null) {
                digest = md5(line, from, to);
            }
            if (Arrays.equals(digest, md5)) {
                return true;
            }
        }
        return false;
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
