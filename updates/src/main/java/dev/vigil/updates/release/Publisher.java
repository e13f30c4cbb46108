package dev.vigil.updates.release;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.log.LogWriter;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSigner;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.tiles.DirectoryTiles;
import dev.vigil.updates.tiles.EntryBundle;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Publishes releases into a release directory: artifacts by content, the manifest signed by release keys, appended
 * to the log, then a new log-signed checkpoint. The checkpoint is written last, so a mirror never announces a release
 * whose files are not there yet.
 */
public final class Publisher {
    /** Where the artifacts, manifests and log files go (the same directory the log writer publishes into). */
    private final DirectoryTiles www;
    private final LogWriter log;

    public record Published(long index, Note signedManifest, Note checkpoint) {
    }

    public Publisher(LogWriter log, DirectoryTiles www) {
        this.log = log;
        this.www = www;
    }

    /**
     * Publishes one release. {@code files} maps every artifact name of the manifest to the file holding it; each file
     * must match its declared size and SHA-256. The manifest must follow the channel's last logged release.
     */
    public Published publish(ReleaseManifest manifest, Map<String, Path> files, NoteSigner logKey,
                             List<? extends NoteSigner> releaseKeys) throws IOException {
        if (releaseKeys.isEmpty()) {
            throw new IllegalArgumentException("a release needs release key signatures");
        }
        TreeSet<String> names = new TreeSet<>();
        manifest.artifacts().forEach(a -> names.add(a.name()));
        if (!names.equals(new TreeSet<>(files.keySet()))) {
            throw new IllegalArgumentException("files " + files.keySet() + " do not match the manifest's " + names);
        }
        checkFollows(manifest);
        Note signed;
        try {
            signed = Notes.sign(manifest.format(), releaseKeys.toArray(NoteSigner[]::new));
        } catch (FormatException e) {
            throw new IllegalArgumentException("cannot sign manifest: " + e.getMessage(), e);
        }
        byte[] entry = signed.format();
        if (entry.length > EntryBundle.MAX_ENTRY) {
            throw new IllegalArgumentException("signed manifest is larger than a log entry");
        }
        for (ReleaseManifest.Artifact a : manifest.artifacts()) {
            ArtifactFiles.copyVerified(files.get(a.name()), a, www.root().resolve(DirectoryReleaseSource.artifactPath(a)));
        }
        long index = log.size();
        www.put(DirectoryReleaseSource.manifestPath(index), entry);
        if (log.append(entry) != index) {
            throw new IllegalStateException("log index moved while publishing");
        }
        return new Published(index, signed, log.checkpoint(logKey));
    }

    /** Replaces the published checkpoint by the same checkpoint carrying witness cosignatures. */
    public void publishCosigned(Note cosignedCheckpoint) throws IOException {
        Note current;
        try {
            current = Note.parse(www.read(LogWriter.CHECKPOINT, 1 << 16));
        } catch (FormatException e) {
            throw new IOException("published checkpoint is malformed", e);
        }
        if (!Arrays.equals(current.text(), cosignedCheckpoint.text())) {
            throw new IllegalArgumentException("cosigned checkpoint is not the published one");
        }
        www.put(LogWriter.CHECKPOINT, cosignedCheckpoint.format());
    }

    /** The channel's newest logged manifest, or null: what the next release must name as {@code previous}. */
    public ReleaseManifest lastRelease(String channel) throws IOException {
        for (long i = log.size() - 1; i >= 0; i--) {
            ReleaseManifest prev;
            try {
                prev = ReleaseManifest.parse(Note.parse(log.entry(i)).text());
            } catch (FormatException e) {
                throw new IOException("log entry " + i + " is not a signed manifest", e);
            }
            if (prev.channel().equals(channel)) {
                return prev;
            }
        }
        return null;
    }

    /** Refuses a release that would not chain: clients would refuse it anyway, better to fail at the source. */
    private void checkFollows(ReleaseManifest m) throws IOException {
        ReleaseManifest prev = lastRelease(m.channel());
        if (prev != null) {
            if (m.version() <= prev.version() || !Arrays.equals(m.previous(), prev.hash())) {
                throw new IllegalArgumentException("manifest must have a version above " + prev.version()
                        + " and name the previous manifest's hash");
            }
            return;
        }
        if (m.previous() != null) {
            throw new IllegalArgumentException("first release of channel " + m.channel() + " must have previous none");
        }
    }
}
