package dev.vigil.updates.release;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.checkpoint.VerifierKeys;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.policy.Policy;
import dev.vigil.updates.policy.Quorum;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client's trust policy as a text file (docs/transparency.md, "Policy file"): one directive per line, {@code #}
 * starts a comment.
 *
 * <pre>
 * log updates.example.org/log+1a2b3c4d+AX…         the pinned log key; its name is the log origin
 * release-key release-1.example.org+…+…            one line per release key
 * release-threshold 2                              how many distinct release keys must sign a manifest
 * witness witness-1.example.org+…+…                one line per witness key (cosignature/v1 or Ed25519 vkey)
 * witness-quorum 2                                 how many pinned witnesses must cosign (required with witnesses)
 * max-age 24h                                      oldest acceptable witness cosignature (s, m, h, d or ISO-8601)
 * </pre>
 *
 * Strict: unknown directives, repeated single-valued ones, a missing log, release key or threshold are errors.
 */
public final class PolicyFile {
    public static final int MAX_SIZE = 64 * 1024;
    private static final Pattern SHORT_DURATION = Pattern.compile("([1-9][0-9]{0,8})([smhd])");

    private PolicyFile() {
    }

    public static ReleasePolicy parse(byte[] text) throws FormatException {
        if (text.length > MAX_SIZE) {
            throw new FormatException("policy file larger than " + MAX_SIZE + " bytes");
        }
        for (byte b : text) {
            if ((b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f) {
                throw new FormatException("policy file contains a control character");
            }
        }
        NoteVerifier log = null;
        List<VerifierKey> releaseKeys = new ArrayList<>();
        List<NoteVerifier> witnesses = new ArrayList<>();
        Integer threshold = null;
        Integer quorum = null;
        Duration maxAge = null;
        int lineNo = 0;
        for (String raw : new String(text, StandardCharsets.UTF_8).split("\n", -1)) {
            lineNo++;
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("[ \t]+");
            String where = "policy line " + lineNo + ": ";
            if (f.length != 2) {
                throw new FormatException(where + "expected \"<directive> <value>\"");
            }
            try {
                switch (f[0]) {
                    case "log" -> {
                        if (log != null) {
                            throw new FormatException("a second log key; pin exactly one");
                        }
                        log = VerifierKeys.parse(f[1]);
                    }
                    case "release-key" -> {
                        VerifierKey k = VerifierKey.parse(f[1]);
                        if (k.type() != SignatureType.ED25519) {
                            throw new FormatException("release keys are Ed25519 (type 0x01) verifier keys");
                        }
                        releaseKeys.add(k);
                    }
                    case "release-threshold" -> threshold = once(threshold, positive(f[1]), f[0]);
                    case "witness" -> witnesses.add(Policy.cosignerKey(f[1]));
                    case "witness-quorum" -> quorum = once(quorum, positive(f[1]), f[0]);
                    case "max-age" -> maxAge = once(maxAge, duration(f[1]), f[0]);
                    default -> throw new FormatException("unknown directive " + f[0]);
                }
            } catch (FormatException e) {
                throw new FormatException(where + e.getMessage(), e);
            }
        }
        if (log == null) {
            throw new FormatException("policy names no log key (\"log <vkey>\")");
        }
        if (releaseKeys.isEmpty() || threshold == null) {
            throw new FormatException("policy needs release-key lines and a release-threshold");
        }
        if (!witnesses.isEmpty() && quorum == null) {
            throw new FormatException("policy lists witnesses but no witness-quorum");
        }
        if (witnesses.isEmpty() && quorum != null) {
            throw new FormatException("policy has a witness-quorum but no witness lines");
        }
        if (quorum != null && quorum > witnesses.size()) {
            throw new FormatException("witness-quorum " + quorum + " is larger than the " + witnesses.size()
                    + " witnesses");
        }
        Quorum q = witnesses.isEmpty() ? new Quorum.None() : ReleasePolicy.kOfN(quorum, witnesses);
        try {
            return new ReleasePolicy(threshold, releaseKeys, log.name(), log, q,
                    maxAge == null ? Duration.ofDays(1) : maxAge);
        } catch (IllegalArgumentException e) {
            throw new FormatException(e.getMessage(), e);
        }
    }

    /** The policy in this format (witness keys must be {@link VerifierKey}s, as the parser makes them). */
    public static String format(ReleasePolicy p, int witnessQuorum) {
        StringBuilder sb = new StringBuilder("# vigil update policy\n");
        sb.append("log ").append(p.logKey()).append('\n');
        for (VerifierKey k : p.releaseKeys()) {
            sb.append("release-key ").append(k).append('\n');
        }
        sb.append("release-threshold ").append(p.threshold()).append('\n');
        for (NoteVerifier w : p.witnessKeys()) {
            sb.append("witness ").append(w).append('\n');
        }
        if (!p.witnessKeys().isEmpty()) {
            sb.append("witness-quorum ").append(witnessQuorum).append('\n');
        }
        sb.append("max-age ").append(p.maxCheckpointAge().getSeconds()).append("s\n");
        return sb.toString();
    }

    private static <T> T once(T old, T value, String name) throws FormatException {
        if (old != null) {
            throw new FormatException(name + " given twice");
        }
        return value;
    }

    private static int positive(String s) throws FormatException {
        if (!s.matches("[1-9][0-9]{0,3}")) {
            throw new FormatException("expected a number from 1 to 9999, got " + s);
        }
        return Integer.parseInt(s);
    }

    /** {@code 90s}, {@code 30m}, {@code 24h}, {@code 2d}, or an ISO-8601 duration such as {@code PT24H}. */
    public static Duration duration(String s) throws FormatException {
        Matcher m = SHORT_DURATION.matcher(s);
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw new FormatException("not a duration: " + s + " (use 90s, 30m, 24h, 2d or PT24H)");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new FormatException("duration must be positive: " + s);
        }
        return d;
    }
}
