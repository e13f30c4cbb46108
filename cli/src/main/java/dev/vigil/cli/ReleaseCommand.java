package dev.vigil.cli;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.http.WitnessClient;
import dev.vigil.updates.http.WitnessQuorumException;
import dev.vigil.updates.keys.KeyFiles;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.log.LogWriter;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.release.Publisher;
import dev.vigil.updates.release.ReleaseManifest;
import dev.vigil.updates.tiles.DirectoryTiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code vigil release}: publishes a signature set as a signed, logged and witnessed release (Publisher). */
@Command(name = "release", usageHelpAutoWidth = true,
        description = {"Publish FILES as the next release of a channel: a manifest signed by the release keys, "
                + "appended to the transparency log in STATE, with artifacts, tiles and a signed checkpoint "
                + "written to the static directory WWW, then cosigned by the witnesses."})
final class ReleaseCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = "--log-dir", required = true, paramLabel = "STATE", description = "The log's private state directory.")
    Path logDir;

    @Option(names = "--www", required = true, paramLabel = "DIR", description = "The directory a web server serves to clients.")
    Path www;

    @Option(names = "--channel", required = true, description = "The release channel (e.g. stable).")
    String channel;

    @Option(names = "--version", required = true, paramLabel = "N", description = "The release version; must increase.")
    long version;

    @Option(names = "--min-engine", required = true, paramLabel = "V", description = "The oldest engine version that may use it.")
    String minEngine;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "A release signer key file (repeat for k of n).")
    List<Path> keys;

    @Option(names = "--log-key", required = true, paramLabel = "FILE", description = "The log signer key file (its name is the origin).")
    Path logKey;

    @Option(names = "--witness", paramLabel = "URL=VKEY", description = "A witness to ask for a cosignature, and its verifier key.")
    List<String> witnesses = new ArrayList<>();

    @Option(names = "--quorum", paramLabel = "K", description = "Cosignatures needed for success (default: all witnesses).")
    Integer quorum;

    @Parameters(paramLabel = "FILES", arity = "1..*", description = "The artifacts; each is named by its file name.")
    List<Path> files;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    ReleaseCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        try {
            return publish();
        } catch (IllegalArgumentException | FormatException e) {
            io.err().print("ERROR: release refused: " + e.getMessage() + "\n");
            return 1;
        } catch (IOException e) {
            io.err().print("ERROR: " + e.getMessage() + "\n");
            return 1;
        }
    }

    private int publish() throws IOException, FormatException {
        List<WitnessClient> targets = new ArrayList<>();
        for (String w : witnesses) {
            targets.add(WitnessEndpoints.client(w));
        }
        int needed = quorum == null ? targets.size() : quorum;
        if (needed < 0 || needed > targets.size()) {
            throw new IllegalArgumentException("--quorum must be 0.." + targets.size());
        }
        SignerKey logSigner = KeyFiles.read(io.cwd().resolve(logKey));
        List<SignerKey> releaseSigners = new ArrayList<>();
        for (Path k : keys) {
            releaseSigners.add(KeyFiles.read(io.cwd().resolve(k)));
        }
        Map<String, Path> byName = new TreeMap<>();
        List<ReleaseManifest.Artifact> artifacts = new ArrayList<>();
        for (Path f : files) {
            Path p = io.cwd().resolve(f);
            String name = p.getFileName().toString();
            if (byName.put(name, p) != null) {
                throw new IllegalArgumentException("two files are named " + name);
            }
        }
        for (Map.Entry<String, Path> e : byName.entrySet()) {
            artifacts.add(new ReleaseManifest.Artifact(e.getKey(), Files.size(e.getValue()), sha256(e.getValue())));
        }
        DirectoryTiles site = new DirectoryTiles(io.cwd().resolve(www));
        try (LogWriter log = LogWriter.open(io.cwd().resolve(logDir), logSigner.name(), site)) {
            Publisher publisher = new Publisher(log, site);
            ReleaseManifest prev = publisher.lastRelease(channel);
            ReleaseManifest m = ReleaseManifest.of(channel, version, minEngine, prev == null ? null : prev.hash(),
                    artifacts);
            Publisher.Published p = publisher.publish(m, byName, logSigner, releaseSigners);
            Checkpoint cp = Checkpoint.parse(p.checkpoint().text());
            io.out().print("published " + m.channel() + " version " + m.version() + " at log index " + p.index()
                    + "; checkpoint size " + cp.size() + "\n");
            io.out().print(new String(m.format(), java.nio.charset.StandardCharsets.UTF_8));
            if (targets.isEmpty()) {
                return 0;
            }
            try {
                Note cosigned = WitnessClient.cosignAndPublish(publisher, p.checkpoint(), targets, needed,
                        cp.size() - 1, site);
                long count = targets.stream().filter(w -> cosigned.signatures().stream().anyMatch(
                        sig -> sig.name().equals(w.witnessKey().name()) && sig.keyId() == w.witnessKey().keyId())).count();
                io.out().print("cosigned by " + count + " of " + targets.size() + " witness(es)\n");
                return 0;
            } catch (WitnessQuorumException e) {
                for (String f : e.failures()) {
                    io.err().print("WARNING: " + f + "\n");
                }
                io.err().print("ERROR: only " + e.cosigned() + " cosignature(s), " + needed + " needed; the "
                        + "checkpoint is published without them and clients refuse it until it is cosigned\n");
                return 1;
            } finally {
                targets.forEach(WitnessClient::close);
            }
        }
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return md.digest();
    }

}
