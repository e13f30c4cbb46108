package dev.vigil.updates.policy;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.checkpoint.VerifierKeys;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.VerifierKey;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A trust policy (c2sp.org/tlog-policy): the accepted logs, the witnesses, and the quorum of witness cosignatures
 * a checkpoint needs. Parsing is strict (duplicate public keys, unknown or repeated names, thresholds outside
 * 1..n, a missing or second quorum line are errors) with two tolerances of transparency-dev/formats: a '#' field
 * ends the line as a comment, and an Ed25519 (0x01) witness vkey is taken as the cosignature/v1 key of the same
 * Ed25519 key.
 */
public final class Policy {
    public static final int MAX_SIZE = 1 << 20;
    private static final Set<String> KEYWORDS = Set.of("none", "all", "any");

    /** A log line: its key (whose name is the log's origin) and optional URL. */
    public record Log(NoteVerifier key, String url) {
    }

    private final List<Log> logs;
    private final Map<String, Quorum> names;
    private final Quorum quorum;

    private Policy(List<Log> logs, Map<String, Quorum> names, Quorum quorum) {
        this.logs = List.copyOf(logs);
        this.names = Map.copyOf(names);
        this.quorum = quorum;
    }

    public List<Log> logs() {
        return logs;
    }

    public Quorum quorum() {
        return quorum;
    }

    public List<Quorum.Witness> witnesses() {
        List<Quorum.Witness> out = new ArrayList<>();
        for (Quorum q : names.values()) {
            if (q instanceof Quorum.Witness w) {
                out.add(w);
            }
        }
        return out;
    }

    public static Policy parse(byte[] text) throws FormatException {
        if (text.length > MAX_SIZE) {
            throw new FormatException("policy larger than " + MAX_SIZE + " bytes");
        }
        for (byte b : text) {
            if ((b >= 0 && b < 0x20 && b != '\t' && b != '\n') || b == 0x7f) {
                throw new FormatException("policy contains a control character");
            }
        }
        String s = new String(text, StandardCharsets.UTF_8);
        List<Log> logs = new ArrayList<>();
        Map<String, Quorum> names = new LinkedHashMap<>();
        Set<String> keys = new HashSet<>();
        Quorum quorum = null;
        int lineNo = 0;
        for (String line : s.split("\n", -1)) {
            lineNo++;
            List<String> f = fields(line);
            if (f.isEmpty()) {
                continue;
            }
            String where = "policy line " + lineNo + ": ";
            switch (f.get(0)) {
                case "log" -> {
                    if (f.size() < 2 || f.size() > 3) {
                        throw new FormatException(where + "expected \"log <vkey> [<url>]\"");
                    }
                    NoteVerifier key = VerifierKeys.parse(f.get(1));
                    if (!keys.add(publicKeyOf(f.get(1)))) {
                        throw new FormatException(where + "duplicate public key");
                    }
                    logs.add(new Log(key, f.size() == 3 ? f.get(2) : null));
                }
                case "witness" -> {
                    if (f.size() < 3 || f.size() > 4) {
                        throw new FormatException(where + "expected \"witness <name> <vkey> [<url>]\"");
                    }
                    String name = f.get(1);
                    if (KEYWORDS.contains(name)) {
                        throw new FormatException(where + "invalid witness name " + name);
                    }
                    if (names.containsKey(name)) {
                        throw new FormatException(where + "duplicate component name " + name);
                    }
                    if (!keys.add(publicKeyOf(f.get(2)))) {
                        throw new FormatException(where + "duplicate public key");
                    }
                    names.put(name, new Quorum.Witness(name, cosignerKey(f.get(2)), f.size() == 4 ? f.get(3) : null));
                }
                case "group" -> {
                    if (f.size() < 4) {
                        throw new FormatException(where + "expected \"group <name> <all|any|k> <member>...\"");
                    }
                    String name = f.get(1);
                    if (KEYWORDS.contains(name)) {
                        throw new FormatException(where + "invalid group name " + name);
                    }
                    if (names.containsKey(name)) {
                        throw new FormatException(where + "duplicate component name " + name);
                    }
                    List<Quorum> members = new ArrayList<>();
                    Set<String> seen = new HashSet<>();
                    for (String m : f.subList(3, f.size())) {
                        Quorum q = names.get(m);
                        if (q == null) {
                            throw new FormatException(where + "group member \"" + m + "\" not defined before");
                        }
                        if (!seen.add(m)) {
                            throw new FormatException(where + "group member " + m + " listed twice");
                        }
                        members.add(q);
                    }
                    int k = threshold(f.get(2), members.size(), where);
                    names.put(name, new Quorum.Group(name, k, members));
                }
                case "quorum" -> {
                    if (f.size() != 2) {
                        throw new FormatException(where + "expected \"quorum <name>\"");
                    }
                    if (quorum != null) {
                        throw new FormatException(where + "second quorum line");
                    }
                    quorum = f.get(1).equals("none") ? new Quorum.None() : names.get(f.get(1));
                    if (quorum == null) {
                        throw new FormatException(where + "quorum component \"" + f.get(1) + "\" not found");
                    }
                }
                default -> throw new FormatException(where + "unknown line type " + f.get(0));
            }
        }
        if (quorum == null) {
            throw new FormatException("policy file must define a quorum");
        }
        return new Policy(logs, names, quorum);
    }

    private static int threshold(String t, int n, String where) throws FormatException {
        if (t.equals("all")) {
            return n;
        }
        if (t.equals("any")) {
            return 1;
        }
        if (t.isEmpty() || t.length() > 6 || !t.chars().allMatch(c -> c >= '0' && c <= '9') || t.charAt(0) == '0') {
            throw new FormatException(where + "invalid threshold " + t);
        }
        int k = Integer.parseInt(t);
        if (k > n) {
            throw new FormatException(where + "invalid threshold " + k + " for " + n + " members");
        }
        return k;
    }

    /** Fields split by spaces and tabs; a field starting with '#' and everything after it is a comment. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        for (String f : line.split("[ \t]+")) {
            if (f.isEmpty()) {
                continue;
            }
            if (f.startsWith("#")) {
                break;
            }
            out.add(f);
        }
        return out;
    }

    /** Duplicate detection compares the wrapped public key, whatever the name, ID or type byte. */
    private static String publicKeyOf(String vkey) throws FormatException {
        String[] parts = vkey.split("\\+", 3);
        if (parts.length != 3) {
            throw new FormatException("vkey must be name+keyid+key");
        }
        byte[] raw = dev.vigil.updates.Encoding.decodeBase64(parts[2], "vkey");
        return Arrays.toString(Arrays.copyOfRange(raw, 1, raw.length));
    }

    public static NoteVerifier cosignerKey(String vkey) throws FormatException {
        VerifierKey k = VerifierKey.parse(vkey);
        return k.type() == SignatureType.COSIGNATURE_V1 ? k : VerifierKey.cosignatureV1(k.name(), k.publicKey());
    }

    /**
     * Opens a checkpoint note under this policy: it must be signed by a listed log whose key name is the origin,
     * and the cosignatures that verify must satisfy the quorum. Returns the verified checkpoint.
     */
    public SignedCheckpoint verify(byte[] note) throws FormatException, VerificationException {
        Checkpoint body = Checkpoint.parse(dev.vigil.updates.note.Note.parse(note).text());
        NoteVerifier logKey = null;
        for (Log l : logs) {
            if (l.key().name().equals(body.origin())) {
                logKey = l.key();
            }
        }
        if (logKey == null) {
            throw new VerificationException("no log in the policy for origin " + body.origin());
        }
        List<NoteVerifier> witnessKeys = witnesses().stream().map(Quorum.Witness::key).toList();
        SignedCheckpoint sc = SignedCheckpoint.open(note, body.origin(), logKey, witnessKeys);
        if (!quorum.satisfiedBy(cosigners(sc, witnessKeys))) {
            throw new VerificationException("witness quorum not met");
        }
        return sc;
    }

    /** The witness keys whose cosignatures verified on an opened checkpoint. */
    public static Set<NoteVerifier> cosigners(SignedCheckpoint sc, List<NoteVerifier> witnessKeys) {
        Map<String, NoteVerifier> byId = new HashMap<>();
        for (NoteVerifier k : witnessKeys) {
            byId.put(k.name() + "+" + k.keyId(), k);
        }
        Set<NoteVerifier> out = new HashSet<>();
        for (NoteSignature s : sc.note().verified()) {
            NoteVerifier k = byId.get(s.name() + "+" + s.keyId());
            if (k != null) {
                out.add(k);
            }
        }
        return out;
    }

    /** The add-checkpoint URL of a witness submission prefix, without a doubled slash. */
    public static String addCheckpointUrl(String submissionPrefix) {
        return submissionPrefix.endsWith("/") ? submissionPrefix + "add-checkpoint"
                : submissionPrefix + "/add-checkpoint";
    }
}
