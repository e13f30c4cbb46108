package dev.vigil.updates.witness;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.merkle.MerkleHash;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a tlog-witness {@code add-checkpoint} request: {@code old <size>}, up to 63 base64 consistency proof
 * hashes, an empty line, then the checkpoint note (kept as bytes; the witness opens it with its trusted keys).
 */
public record AddCheckpointRequest(long oldSize, List<byte[]> proof, byte[] checkpoint) {
    public static final int MAX_PROOF_LINES = 63;
    /** Headers and proof are small; the note has its own 1 MiB bound. */
    public static final int MAX_BODY = (1 << 20) + 8192;

    public AddCheckpointRequest {
        proof = List.copyOf(proof);
        checkpoint = checkpoint.clone();
        if (proof.size() > MAX_PROOF_LINES) {
            throw new IllegalArgumentException("at most 63 proof hashes");
        }
    }

    public static AddCheckpointRequest parse(byte[] body) throws FormatException {
        if (body.length > MAX_BODY) {
            throw new FormatException("add-checkpoint body larger than " + MAX_BODY + " bytes");
        }
        int pos = 0;
        int nl = indexOf(body, pos);
        String first = ascii(body, pos, nl, "old size line");
        if (!first.startsWith("old ")) {
            throw new FormatException("add-checkpoint body must start with \"old <size>\"");
        }
        long old = Encoding.parseUnsignedDecimal(first.substring(4), "old size");
        pos = nl + 1;
        List<byte[]> proof = new ArrayList<>();
        while (true) {
            nl = indexOf(body, pos);
            if (nl == pos) {
                pos++;
                break;
            }
            if (proof.size() == MAX_PROOF_LINES) {
                throw new FormatException("more than 63 consistency proof lines");
            }
            byte[] hash = Encoding.decodeBase64(ascii(body, pos, nl, "proof line"), "proof hash");
            if (hash.length != MerkleHash.SIZE) {
                throw new FormatException("proof hash must be 32 bytes");
            }
            proof.add(hash);
            pos = nl + 1;
        }
        if (pos >= body.length) {
            throw new FormatException("add-checkpoint body has no checkpoint");
        }
        byte[] checkpoint = new byte[body.length - pos];
        System.arraycopy(body, pos, checkpoint, 0, checkpoint.length);
        return new AddCheckpointRequest(old, proof, checkpoint);
    }

    private static int indexOf(byte[] body, int from) throws FormatException {
        for (int i = from; i < body.length; i++) {
            if (body[i] == '\n') {
                return i;
            }
        }
        throw new FormatException("add-checkpoint line without final newline");
    }

    private static String ascii(byte[] body, int from, int to, String what) throws FormatException {
        if (to - from > 128) {
            throw new FormatException(what + " too long");
        }
        for (int i = from; i < to; i++) {
            if (body[i] < 0x20 || body[i] > 0x7e) {
                throw new FormatException(what + " has non-ASCII bytes");
            }
        }
        return new String(body, from, to - from, StandardCharsets.US_ASCII);
    }

    public byte[] format() {
        StringBuilder sb = new StringBuilder("old ").append(Long.toUnsignedString(oldSize)).append('\n');
        for (byte[] h : proof) {
            sb.append(Encoding.base64(h)).append('\n');
        }
        sb.append('\n');
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + checkpoint.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(checkpoint, 0, out, head.length, checkpoint.length);
        return out;
    }

    @Override
    public byte[] checkpoint() {
        return checkpoint.clone();
    }
}
