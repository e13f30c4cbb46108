package dev.vigil.updates.release;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.checkpoint.Checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a client has accepted so far: the last release (version and manifest hash, or none yet) and the last
 * checkpoint it verified. Saved by temp file, fsync and atomic rename, so a crash leaves the old or the new state.
 */
public record TrustedState(long version, byte[] manifestHash, Checkpoint checkpoint) {
    private static final String HEADER = "vigil-update-state/v1";

    public TrustedState {
        manifestHash = manifestHash == null ? null : manifestHash.clone();
    }

    @Override
    public byte[] manifestHash() {
        return manifestHash == null ? null : manifestHash.clone();
    }

    public boolean hasRelease() {
        return manifestHash != null;
    }

    public byte[] format() {
        String s = HEADER + "\n"
                + "version " + version + "\n"
                + "manifest " + (manifestHash == null ? "none" : HexFormat.of().formatHex(manifestHash)) + "\n"
                + "checkpoint\n" + new String(checkpoint.format(), StandardCharsets.UTF_8);
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static TrustedState parse(byte[] data) throws FormatException {
        String s = new String(data, StandardCharsets.UTF_8);
        String prefix = HEADER + "\nversion ";
        int cp = s.indexOf("\ncheckpoint\n");
        if (!s.startsWith(prefix) || cp < 0) {
            throw new FormatException("not a " + HEADER + " file");
        }
        String[] head = s.substring(0, cp).split("\n");
        if (head.length != 3 || !head[2].startsWith("manifest ")) {
            throw new FormatException("malformed update state");
        }
        long version = Encoding.parseUnsignedDecimal(head[1].substring("version ".length()), "state version");
        String hash = head[2].substring("manifest ".length());
        byte[] manifestHash = null;
        if (!hash.equals("none")) {
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new FormatException("malformed manifest hash in update state");
            }
            manifestHash = HexFormat.of().parseHex(hash);
        }
        Checkpoint checkpoint = Checkpoint.parse(s.substring(cp + "\ncheckpoint\n".length()).getBytes(StandardCharsets.UTF_8));
        return new TrustedState(version, manifestHash, checkpoint);
    }

    /** The saved state, or null when there is none yet (first update). */
    public static TrustedState load(Path file) throws IOException {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            return parse(data);
        } catch (FormatException e) {
            throw new IOException("corrupt update state " + file + ": " + e.getMessage(), e);
        }
    }

    public void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".state-", ".tmp");
        try {
            Files.write(tmp, format());
            ArtifactFiles.fsync(tmp);
            ArtifactFiles.moveAtomically(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
        ArtifactFiles.fsyncDirectory(dir);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedState t && version == t.version && Arrays.equals(manifestHash, t.manifestHash)
                && checkpoint.equals(t.checkpoint);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(version) * 31 + checkpoint.hashCode();
    }
}
