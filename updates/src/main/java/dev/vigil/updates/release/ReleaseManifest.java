package dev.vigil.updates.release;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.note.Note;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A release manifest: the text that release keys sign and the log records. The format has exactly one encoding per
 * manifest (fixed line order, canonical numbers, lowercase hex, artifacts sorted by name), so the parser refuses
 * anything {@link #format()} would not write, and the manifest hash identifies the release.
 *
 * <pre>
 * vigil-release/v1
 * channel stable
 * version 7
 * min-engine 0.1.0
 * previous 3f0c…(64 hex) | previous none
 * artifact daily.cvd 123456 9a1b…(64 hex)
 * …
 * </pre>
 */
public record ReleaseManifest(String channel, long version, String minEngine, byte[] previous,
                              List<Artifact> artifacts) {
    public static final String HEADER = "vigil-release/v1";
    /** The signed note must fit one log entry (65535 bytes) with room for signature lines. */
    public static final int MAX_TEXT = 60_000;
    public static final int MAX_ARTIFACTS = 1000;
    private static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._+-]{0,127}");
    private static final Pattern ENGINE = Pattern.compile("(0|[1-9][0-9]{0,8})(\\.(0|[1-9][0-9]{0,8})){0,3}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** One file of the release. The name is a single safe path component: no '/', no leading '.', so no "..". */
    public record Artifact(String name, long size, byte[] sha256) {
        public Artifact {
            sha256 = sha256.clone();
        }

        @Override
        public byte[] sha256() {
            return sha256.clone();
        }

        public String sha256Hex() {
            return HexFormat.of().formatHex(sha256);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Artifact a && name.equals(a.name) && size == a.size && Arrays.equals(sha256, a.sha256);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Long.hashCode(size);
        }
    }

    /** {@code previous} is null for the first release of a channel; checks every field as the parser would. */
    public ReleaseManifest {
        previous = previous == null ? null : previous.clone();
        artifacts = List.copyOf(artifacts);
    }

    /** Builds a manifest and checks that it has a canonical encoding. */
    public static ReleaseManifest of(String channel, long version, String minEngine, byte[] previous,
                                     List<Artifact> artifacts) throws FormatException {
        ReleaseManifest m = new ReleaseManifest(channel, version, minEngine, previous, artifacts);
        byte[] text = m.format();
        if (!parse(text).equals(m)) {
            throw new FormatException("manifest fields do not survive formatting");
        }
        return m;
    }

    @Override
    public byte[] previous() {
        return previous == null ? null : previous.clone();
    }

    public byte[] format() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n')
                .append("channel ").append(channel).append('\n')
                .append("version ").append(version).append('\n')
                .append("min-engine ").append(minEngine).append('\n')
                .append("previous ").append(previous == null ? "none" : HexFormat.of().formatHex(previous)).append('\n');
        for (Artifact a : artifacts) {
            sb.append("artifact ").append(a.name()).append(' ').append(a.size()).append(' ')
                    .append(a.sha256Hex()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** SHA-256 of the canonical text: the release's identity, what the next manifest's {@code previous} names. */
    public byte[] hash() {
        return sha256(format());
    }

    public static ReleaseManifest parse(byte[] text) throws FormatException {
        if (text.length > MAX_TEXT) {
            throw new FormatException("manifest larger than " + MAX_TEXT + " bytes");
        }
        for (byte b : text) {
            // ASCII only: every field is ASCII, and this keeps one encoding per manifest.
            if (b < 0x20 && b != '\n' || b >= 0x7f) {
                throw new FormatException("manifest contains a byte outside printable ASCII");
            }
        }
        if (text.length == 0 || text[text.length - 1] != '\n') {
            throw new FormatException("manifest must end in a newline");
        }
        String[] lines = new String(text, StandardCharsets.US_ASCII).split("\n", -1);
        int count = lines.length - 1; // the split leaves an empty string after the final newline
        if (count < 6) {
            throw new FormatException("manifest needs header, channel, version, min-engine, previous and an artifact");
        }
        if (!lines[0].equals(HEADER)) {
            throw new FormatException("manifest must start with " + HEADER);
        }
        String channel = field(lines[1], "channel");
        if (!CHANNEL.matcher(channel).matches()) {
            throw new FormatException("invalid channel name");
        }
        long version = Encoding.parseUnsignedDecimal(field(lines[2], "version"), "version");
        if (version <= 0) {
            throw new FormatException("version must be between 1 and 2^63-1");
        }
        String minEngine = field(lines[3], "min-engine");
        if (!ENGINE.matcher(minEngine).matches()) {
            throw new FormatException("min-engine must be 1 to 4 dot-separated decimal numbers");
        }
        String prev = field(lines[4], "previous");
        byte[] previous = prev.equals("none") ? null : hex64(prev, "previous");
        if (count - 5 > MAX_ARTIFACTS) {
            throw new FormatException("more than " + MAX_ARTIFACTS + " artifacts");
        }
        List<Artifact> artifacts = new ArrayList<>(count - 5);
        String lastName = null;
        for (int i = 5; i < count; i++) {
            String[] f = field(lines[i], "artifact").split(" ", -1);
            if (f.length != 3) {
                throw new FormatException("artifact line must be \"artifact NAME SIZE SHA256\"");
            }
            if (!NAME.matcher(f[0]).matches()) {
                throw new FormatException("unsafe artifact name \"" + f[0] + "\"");
            }
            if (lastName != null && lastName.compareTo(f[0]) >= 0) {
                throw new FormatException("artifacts must be sorted by name without duplicates");
            }
            lastName = f[0];
            long size = Encoding.parseUnsignedDecimal(f[1], "artifact size");
            if (size < 0) {
                throw new FormatException("artifact size above 2^63-1");
            }
            artifacts.add(new Artifact(f[0], size, hex64(f[2], "artifact SHA-256")));
        }
        return new ReleaseManifest(channel, version, minEngine, previous, artifacts);
    }

    /** Parses a manifest from a signed note's text (signatures are checked by the caller). */
    public static ReleaseManifest fromNote(Note note) throws FormatException {
        return parse(note.text());
    }

    private static String field(String line, String key) throws FormatException {
        if (!line.startsWith(key + " ")) {
            throw new FormatException("expected a \"" + key + "\" line");
        }
        return line.substring(key.length() + 1);
    }

    private static byte[] hex64(String s, String what) throws FormatException {
        if (!HEX64.matcher(s).matches()) {
            throw new FormatException(what + " must be 64 lowercase hex digits");
        }
        return HexFormat.of().parseHex(s);
    }

    /** Compares dotted engine versions numerically; missing components count as 0. */
    public static int compareEngineVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReleaseManifest m && channel.equals(m.channel) && version == m.version
                && minEngine.equals(m.minEngine) && Arrays.equals(previous, m.previous) && artifacts.equals(m.artifacts);
    }

    @Override
    public int hashCode() {
        return channel.hashCode() * 31 + Long.hashCode(version);
    }

    @Override
    public String toString() {
        return "release " + channel + " v" + version + " (" + artifacts.size() + " artifacts)";
    }
}
