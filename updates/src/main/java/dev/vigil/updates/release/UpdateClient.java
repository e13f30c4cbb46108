package dev.vigil.updates.release;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.log.LogVerifier;
import dev.vigil.updates.note.CosignatureV1;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.OpenedNote;
import dev.vigil.updates.note.UnverifiedNoteException;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.note.Verifiers;
import dev.vigil.updates.policy.Policy;
import dev.vigil.updates.release.UpdateRefused.Reason;
import dev.vigil.updates.tiles.EntryBundle;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The security core of updating: accepts a release only when every check of the policy passes, installs it
 * atomically, then saves the new trusted state. Any failure is an {@link UpdateRefused} naming the check, with the
 * installed release and the trusted state left as they were.
 *
 * <p>Checks, in order: the checkpoint is signed by the pinned log key; a witness quorum cosigned it; the newest
 * cosignature is within the maximum age of the clock; it is consistent with the last checkpoint seen (no rollback,
 * no fork); every log entry since then is a manifest signed by a threshold of release keys and included in the log,
 * and the channel's manifests chain (strictly increasing versions, each naming its predecessor's hash); the newest
 * one's engine requirement is met; every artifact matches size and SHA-256.
 */
public final class UpdateClient {
    /** A client that fell further behind than this re-bootstraps rather than reading an unbounded history. */
    public static final int MAX_ENTRIES_PER_UPDATE = 100_000;

    private final ReleasePolicy policy;
    private final String channel;
    private final String engineVersion;
    private final ReleaseSource source;
    private final Path stateFile;
    private final Installer installer;
    private final Clock clock;
    private final LogVerifier log;
    private final List<NoteVerifier> witnessKeys;

    public UpdateClient(ReleasePolicy policy, String channel, String engineVersion, ReleaseSource source,
                        Path stateFile, Path installRoot, Clock clock) {
        this.policy = policy;
        this.channel = channel;
        this.engineVersion = engineVersion;
        this.source = source;
        this.stateFile = stateFile;
        this.installer = new Installer(installRoot);
        this.clock = clock;
        this.witnessKeys = policy.witnessKeys();
        this.log = new LogVerifier(policy.logOrigin(), policy.logKey(), witnessKeys, source);
    }

    /** The trusted state saved so far, or null before the first update. */
    public TrustedState state() throws IOException {
        return TrustedState.load(stateFile);
    }

    /** The installed release directory, or null. */
    public Path installed() throws IOException {
        return installer.current();
    }

    /**
     * Checks the mirror and installs its newest release for this channel. Empty when there is nothing newer (the
     * newer checkpoint, if any, is still remembered).
     */
    public Optional<Release> update() throws UpdateRefused, IOException {
        Path lockPath = stateFile.resolveSibling(stateFile.getFileName() + ".lock");
        Files.createDirectories(lockPath.getParent());
        try (FileChannel lockFile = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = lockFile.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("another update is running (" + lockPath + " is locked)");
            }
            return updateLocked();
        }
    }

    /** One updater at a time: the staging cleanup and the state file assume it. */
    private Optional<Release> updateLocked() throws UpdateRefused, IOException {
        TrustedState trusted = state();
        Checkpoint checkpoint = verifiedCheckpoint(trusted);
        if (trusted != null && checkpoint.size() == trusted.checkpoint().size()) {
            return Optional.empty();
        }
        Found found = newestManifest(trusted, checkpoint);
        if (found == null) {
            saveState(new TrustedState(trusted == null ? 0 : trusted.version(),
                    trusted == null ? null : trusted.manifestHash(), checkpoint));
            return Optional.empty();
        }
        ReleaseManifest m = found.manifest;
        if (ReleaseManifest.compareEngineVersions(m.minEngine(), engineVersion) > 0) {
            throw new UpdateRefused(Reason.ENGINE_TOO_OLD, m + " needs engine " + m.minEngine() + ", this is "
                    + engineVersion);
        }
        Path dir;
        try (Installer.Staging staging = installer.stage()) {
            for (ReleaseManifest.Artifact a : m.artifacts()) {
                try (InputStream in = source.artifact(a)) {
                    staging.add(a, in);
                } catch (ArtifactFiles.Mismatch e) {
                    throw new UpdateRefused(e.tooLarge ? Reason.ARTIFACT_TOO_LARGE : Reason.ARTIFACT_MISMATCH,
                            e.getMessage());
                } catch (IOException e) {
                    throw new UpdateRefused(Reason.ARTIFACT_MISMATCH, "cannot read artifact " + a.name() + ": " + e);
                }
            }
            dir = staging.commit(m);
        }
        // Installed first, state second: a crash in between re-installs the same release, never skips one.
        saveState(new TrustedState(m.version(), m.hash(), checkpoint));
        return Optional.of(new Release(m, found.index, checkpoint, dir));
    }

    /** Log signature, witness quorum, freshness, and consistency with what was seen before. */
    private Checkpoint verifiedCheckpoint(TrustedState trusted) throws UpdateRefused {
        SignedCheckpoint sc;
        try {
            sc = log.latest();
        } catch (UnverifiedNoteException e) {
            throw new UpdateRefused(Reason.LOG_SIGNATURE, "checkpoint is not signed by the pinned log key "
                    + policy.logKey().name());
        } catch (VerificationException e) {
            throw new UpdateRefused(Reason.LOG_SIGNATURE, e.getMessage(), e);
        } catch (FormatException | IOException e) {
            throw new UpdateRefused(Reason.BAD_LOG_DATA, "cannot read the checkpoint: " + e.getMessage(), e);
        }
        Set<NoteVerifier> cosigners = Policy.cosigners(sc, witnessKeys);
        if (!policy.witnessQuorum().satisfiedBy(cosigners)) {
            throw new UpdateRefused(Reason.WITNESS_QUORUM, "only " + cosigners.size() + " pinned witness(es) cosigned "
                    + sc.checkpoint() + "; the quorum is not met");
        }
        checkFresh(sc, cosigners);
        Checkpoint cp = sc.checkpoint();
        if (trusted != null) {
            try {
                log.verifyConsistency(trusted.checkpoint(), cp);
            } catch (VerificationException e) {
                Reason r = Long.compareUnsigned(cp.size(), trusted.checkpoint().size()) < 0 ? Reason.LOG_ROLLBACK
                        : Reason.LOG_FORK;
                throw new UpdateRefused(r, e.getMessage(), e);
            } catch (IOException e) {
                throw new UpdateRefused(Reason.BAD_LOG_DATA, "cannot prove consistency: " + e.getMessage(), e);
            }
        }
        return cp;
    }

    /**
     * How far a cosignature's timestamp may lie ahead of this client's clock (clocks of witnesses and clients drift).
     * A cosignature dated later than that vouches for nothing: accepted, it would keep a frozen view looking fresh
     * until that date.
     */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofHours(1);

    /**
     * The quorum must be met by cosignatures no older than the maximum age and not dated in the future, so one
     * witness that keeps signing cannot make a frozen view look fresh on behalf of the others, and a witness with a
     * wrong (or malicious) clock cannot make one look fresh for days.
     */
    private void checkFresh(SignedCheckpoint sc, Set<NoteVerifier> cosigners) throws UpdateRefused {
        if (witnessKeys.isEmpty()) {
            return; // no witnesses configured: nothing vouches for freshness, by the policy's choice
        }
        Instant now = clock.instant();
        Instant oldest = now.minus(policy.maxCheckpointAge());
        Instant latest = now.plus(MAX_CLOCK_SKEW);
        Set<NoteVerifier> fresh = new HashSet<>();
        long newest = -1;
        long future = -1;
        for (NoteSignature s : sc.note().verified()) {
            for (NoteVerifier w : cosigners) {
                if (w.name().equals(s.name()) && w.keyId() == s.keyId()) {
                    long ts;
                    try {
                        ts = CosignatureV1.timestamp(s);
                    } catch (FormatException e) {
                        continue; // only timestamped cosignatures vouch for freshness
                    }
                    Instant signed = Instant.ofEpochSecond(ts);
                    if (signed.isAfter(latest)) {
                        future = Math.max(future, ts);
                        continue;
                    }
                    newest = Math.max(newest, ts);
                    if (!signed.isBefore(oldest)) {
                        fresh.add(w);
                    }
                }
            }
        }
        if (!policy.witnessQuorum().satisfiedBy(fresh)) {
            throw new UpdateRefused(Reason.STALE_CHECKPOINT, (newest < 0 ? "no usable timestamped cosignature"
                    : "newest witness cosignature is from " + Instant.ofEpochSecond(newest))
                    + (future < 0 ? "" : "; ignored cosignature(s) dated in the future, up to "
                    + Instant.ofEpochSecond(future) + " (clock " + now + ", allowed skew " + MAX_CLOCK_SKEW + ")")
                    + "; the witness quorum is not met by cosignatures newer than " + oldest
                    + " (maximum age " + policy.maxCheckpointAge() + ")");
        }
    }

    private record Found(ReleaseManifest manifest, long index) {
    }

    /**
     * Reads the entries the client has not seen. With a trusted release, every new manifest of the channel must chain
     * from it; on the first update, the newest manifest of the channel is taken (trust on first use of the log).
     */
    private Found newestManifest(TrustedState trusted, Checkpoint cp) throws UpdateRefused {
        long from = trusted == null ? 0 : trusted.checkpoint().size();
        if (cp.size() - from > MAX_ENTRIES_PER_UPDATE) {
            if (trusted != null) {
                throw new UpdateRefused(Reason.BAD_LOG_DATA, (cp.size() - from) + " new log entries since the last "
                        + "update, more than " + MAX_ENTRIES_PER_UPDATE);
            }
            from = cp.size() - MAX_ENTRIES_PER_UPDATE;
        }
        if (trusted == null) {
            for (long i = cp.size() - 1; i >= from; i--) {
                ReleaseManifest m = readManifest(cp, i);
                if (m.channel().equals(channel)) {
                    return new Found(m, i);
                }
            }
            return null;
        }
        long version = trusted.version();
        byte[] hash = trusted.manifestHash();
        Found newest = null;
        for (long i = from; i < cp.size(); i++) {
            ReleaseManifest m = readManifest(cp, i);
            if (!m.channel().equals(channel)) {
                continue;
            }
            if (hash != null && m.version() <= version) {
                throw new UpdateRefused(Reason.VERSION_ROLLBACK, "log entry " + i + " has version " + m.version()
                        + ", not above the accepted " + version);
            }
            if (hash != null && !Arrays.equals(m.previous(), hash)) {
                throw new UpdateRefused(Reason.BROKEN_CHAIN, "log entry " + i + " (version " + m.version()
                        + ") names previous " + hex(m.previous()) + ", not the accepted manifest " + hex(hash));
            }
            version = m.version();
            hash = m.hash();
            newest = new Found(m, i);
        }
        return newest;
    }

    /** Signature threshold first (so a tampered copy says so), then inclusion under the verified checkpoint. */
    private ReleaseManifest readManifest(Checkpoint cp, long index) throws UpdateRefused {
        byte[] entry;
        try {
            entry = source.manifest(index, EntryBundle.MAX_ENTRY);
        } catch (IOException e) {
            throw new UpdateRefused(Reason.BAD_LOG_DATA, "cannot read the manifest at index " + index + ": " + e, e);
        }
        OpenedNote opened;
        try {
            opened = Notes.open(entry, new Verifiers(policy.releaseKeys()));
        } catch (UnverifiedNoteException e) {
            throw new UpdateRefused(Reason.RELEASE_THRESHOLD, "manifest at index " + index
                    + " carries no signature by a release key", e);
        } catch (VerificationException | FormatException e) {
            throw new UpdateRefused(Reason.MANIFEST_SIGNATURE, "manifest at index " + index + ": " + e.getMessage(), e);
        }
        int signers = countReleaseSigners(opened);
        if (signers < policy.threshold()) {
            throw new UpdateRefused(Reason.RELEASE_THRESHOLD, "manifest at index " + index + " is signed by "
                    + signers + " release key(s), the policy needs " + policy.threshold());
        }
        try {
            log.verifyInclusion(cp, index, entry);
        } catch (VerificationException e) {
            throw new UpdateRefused(Reason.NOT_IN_LOG, "manifest at index " + index + " is not the log's entry "
                    + "under " + cp + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UpdateRefused(Reason.BAD_LOG_DATA, "cannot prove manifest " + index + " included: "
                    + e.getMessage(), e);
        }
        try {
            return ReleaseManifest.parse(opened.text());
        } catch (FormatException e) {
            throw new UpdateRefused(Reason.MALFORMED_MANIFEST, "manifest at index " + index + ": " + e.getMessage(), e);
        }
    }

    private int countReleaseSigners(OpenedNote opened) {
        Set<String> keys = new HashSet<>();
        for (VerifierKey k : policy.releaseKeys()) {
            if (opened.verifiedBy(k)) {
                keys.add(HexFormat.of().formatHex(k.publicKey()));
            }
        }
        return keys.size();
    }

    private void saveState(TrustedState s) throws IOException {
        s.save(stateFile);
    }

    private static String hex(byte[] b) {
        return b == null ? "none" : HexFormat.of().formatHex(b);
    }
}
