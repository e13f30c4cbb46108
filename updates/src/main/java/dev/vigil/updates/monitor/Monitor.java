package dev.vigil.updates.monitor;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.log.LogVerifier;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.OpenedNote;
import dev.vigil.updates.note.UnverifiedNoteException;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.note.Verifiers;
import dev.vigil.updates.policy.Policy;
import dev.vigil.updates.policy.Quorum;
import dev.vigil.updates.release.ArtifactFiles;
import dev.vigil.updates.release.ReleaseManifest;
import dev.vigil.updates.release.ReleaseSource;
import dev.vigil.updates.tiles.EntryBundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Replays a release log from entry 0, as any member of the public can: the checkpoint must be signed by the log key
 * (and cosigned by a witness quorum when witnesses are given) and consistent with the checkpoint of the previous run;
 * every entry is read from the log's entry bundles and proved included; every manifest's release signatures are
 * checked (against the given release keys, or only listed when none are given), each channel's versions must
 * increase and chain by hash, and every artifact is fetched and checked against its size and SHA-256. For each
 * release it reports which signature names were added and removed compared to the channel's previous release.
 * Problems are reported and the replay goes on, so one run shows everything that is wrong.
 */
public final class Monitor {
    /** What to trust. {@code releaseKeys} may be empty (signatures are then listed, not checked). */
    public record Config(String origin, NoteVerifier logKey, List<NoteVerifier> witnessKeys, Quorum witnessQuorum,
                         List<VerifierKey> releaseKeys, int releaseThreshold) {
        public Config {
            witnessKeys = List.copyOf(witnessKeys);
            releaseKeys = List.copyOf(releaseKeys);
        }
    }

    /** One artifact and the names it defines (null when its format is not understood). */
    public record ArtifactNames(ReleaseManifest.Artifact artifact, Set<String> names) {
    }

    /** One logged release and what it changed. */
    public record ReleaseReport(long index, ReleaseManifest manifest, List<String> signers,
                                List<ArtifactNames> artifacts, SortedSet<String> added, SortedSet<String> removed) {
    }

    /** The replay's outcome: the verified checkpoint, every release in log order, every problem found. */
    public record Result(SignedCheckpoint checkpoint, List<String> cosigners, List<ReleaseReport> releases,
                         List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Receives reports as the replay goes, so a long log prints as it is read. */
    public interface Listener {
        void release(ReleaseReport report);

        void problem(String message);
    }

    private final Config config;
    private final ReleaseSource source;
    private final SignatureLister lister;
    private final Path scratch;

    /** {@code scratch} is an existing private directory for artifacts while they are read. */
    public Monitor(Config config, ReleaseSource source, SignatureLister lister, Path scratch) {
        this.config = config;
        this.source = source;
        this.lister = lister;
        this.scratch = scratch;
    }

    /**
     * Replays the log. {@code previous} is the checkpoint the last run verified (null on the first run).
     *
     * @throws VerificationException when the checkpoint cannot be trusted at all (bad log signature, inconsistent
     *                               with {@code previous}): nothing after it would mean anything
     */
    public Result run(Checkpoint previous, Listener listener) throws IOException, VerificationException {
        LogVerifier log = new LogVerifier(config.origin(), config.logKey(), config.witnessKeys(), source);
        SignedCheckpoint sc;
        try {
            sc = log.latest();
        } catch (FormatException e) {
            throw new VerificationException("the mirror's checkpoint is malformed: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        Listener l = new Listener() {
            @Override
            public void release(ReleaseReport report) {
                listener.release(report);
            }

            @Override
            public void problem(String message) {
                problems.add(message);
                listener.problem(message);
            }
        };
        List<String> cosigners = new ArrayList<>();
        if (!config.witnessKeys().isEmpty()) {
            Set<NoteVerifier> cs = Policy.cosigners(sc, config.witnessKeys());
            cs.forEach(w -> cosigners.add(w.name()));
            cosigners.sort(null);
            if (!config.witnessQuorum().satisfiedBy(cs)) {
                l.problem("checkpoint " + sc.checkpoint() + " is cosigned by " + cs.size()
                        + " pinned witness(es); the quorum is not met");
            }
        }
        Checkpoint cp = sc.checkpoint();
        if (previous != null) {
            log.verifyConsistency(previous, cp);
        }
        List<ReleaseReport> releases = new ArrayList<>();
        Map<String, ReleaseManifest> lastManifest = new HashMap<>();
        Map<String, Map<String, ArtifactNames>> lastArtifacts = new HashMap<>();
        for (long i = 0; i < cp.size(); i++) {
            ReleaseReport r = entry(log, cp, i, lastManifest, lastArtifacts, l);
            if (r != null) {
                releases.add(r);
                l.release(r);
            }
        }
        return new Result(sc, List.copyOf(cosigners), List.copyOf(releases), List.copyOf(problems));
    }

    private ReleaseReport entry(LogVerifier log, Checkpoint cp, long i, Map<String, ReleaseManifest> lastManifest,
                                Map<String, Map<String, ArtifactNames>> lastArtifacts, Listener l)
            throws IOException {
        byte[] entry;
        try {
            entry = log.readEntry(cp, i);
        } catch (VerificationException e) {
            l.problem("log entry " + i + " is not included under " + cp + ": " + e.getMessage());
            return null;
        }
        try {
            byte[] served = source.manifest(i, EntryBundle.MAX_ENTRY);
            if (!Arrays.equals(served, entry)) {
                l.problem("manifest/" + i + " on the mirror differs from log entry " + i
                        + " (clients reading it would refuse it)");
            }
        } catch (IOException e) {
            l.problem("manifest/" + i + " cannot be read from the mirror: " + e.getMessage());
        }
        Note note;
        ReleaseManifest m;
        try {
            note = Note.parse(entry);
            m = ReleaseManifest.parse(note.text());
        } catch (FormatException e) {
            l.problem("log entry " + i + " is not a release manifest: " + e.getMessage());
            return null;
        }
        List<String> signers = signers(i, note, l);
        ReleaseManifest prev = lastManifest.get(m.channel());
        if (prev == null && m.previous() != null) {
            l.problem("log entry " + i + ": first release of channel " + m.channel() + " names a previous manifest");
        }
        if (prev != null && (m.version() <= prev.version() || !Arrays.equals(m.previous(), prev.hash()))) {
            l.problem("log entry " + i + ": " + m + " does not follow " + prev + " (version must increase and "
                    + "previous must be " + HexFormat.of().formatHex(prev.hash()) + ")");
        }
        lastManifest.put(m.channel(), m);
        Map<String, ArtifactNames> before = lastArtifacts.getOrDefault(m.channel(), Map.of());
        Map<String, ArtifactNames> now = new HashMap<>();
        List<ArtifactNames> arts = new ArrayList<>();
        for (ReleaseManifest.Artifact a : m.artifacts()) {
            ArtifactNames old = before.get(a.name());
            ArtifactNames names = old != null && old.artifact().equals(a) ? old : fetch(i, a, l);
            arts.add(names);
            now.put(a.name(), names);
        }
        lastArtifacts.put(m.channel(), now);
        SortedSet<String> oldNames = union(before.values());
        SortedSet<String> newNames = union(now.values());
        SortedSet<String> added = new TreeSet<>(newNames);
        added.removeAll(oldNames);
        SortedSet<String> removed = new TreeSet<>(oldNames);
        removed.removeAll(newNames);
        return new ReleaseReport(i, m, signers, List.copyOf(arts), added, removed);
    }

    private List<String> signers(long i, Note note, Listener l) {
        List<String> names = new ArrayList<>();
        if (config.releaseKeys().isEmpty()) {
            note.signatures().forEach(s -> names.add(s.name() + " (unchecked)"));
            return names;
        }
        OpenedNote opened;
        try {
            opened = Notes.check(note, new Verifiers(config.releaseKeys()));
        } catch (UnverifiedNoteException e) {
            l.problem("log entry " + i + " carries no signature by a pinned release key");
            return names;
        } catch (VerificationException e) {
            l.problem("log entry " + i + ": " + e.getMessage());
            return names;
        }
        Set<String> keys = new HashSet<>();
        for (VerifierKey k : config.releaseKeys()) {
            if (opened.verifiedBy(k) && keys.add(HexFormat.of().formatHex(k.publicKey()))) {
                names.add(k.name());
            }
        }
        for (NoteSignature s : note.signatures()) {
            if (!names.contains(s.name())) {
                names.add(s.name() + " (unknown key)");
            }
        }
        if (keys.size() < config.releaseThreshold()) {
            l.problem("log entry " + i + " is signed by " + keys.size() + " release key(s), the threshold is "
                    + config.releaseThreshold());
        }
        return names;
    }

    private ArtifactNames fetch(long i, ReleaseManifest.Artifact a, Listener l) throws IOException {
        Path tmp = Files.createTempFile(scratch, "artifact-", ".tmp");
        try {
            try (InputStream in = source.artifact(a); OutputStream out = Files.newOutputStream(tmp)) {
                ArtifactFiles.copyChecked(in, out, a);
            } catch (ArtifactFiles.Mismatch e) {
                l.problem("log entry " + i + ": " + e.getMessage());
                return new ArtifactNames(a, null);
            } catch (IOException e) {
                l.problem("log entry " + i + ": cannot fetch artifact " + a.name() + ": " + e.getMessage());
                return new ArtifactNames(a, null);
            }
            try {
                return new ArtifactNames(a, lister.names(a.name(), tmp));
            } catch (IOException | RuntimeException e) {
                l.problem("log entry " + i + ": cannot list the signatures of " + a.name() + ": " + e.getMessage());
                return new ArtifactNames(a, null);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static SortedSet<String> union(Iterable<ArtifactNames> arts) {
        SortedSet<String> out = new TreeSet<>();
        for (ArtifactNames a : arts) {
            if (a.names() != null) {
                out.addAll(a.names());
            }
        }
        return out;
    }
}
