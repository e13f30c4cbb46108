package dev.vigil.updates.proof;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.merkle.MerkleHash;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An offline inclusion proof (c2sp.org/tlog-proof): header {@code c2sp.org/tlog-proof@v1}, optional
 * {@code extra <base64>}, {@code index <n>}, the inclusion proof hashes (leaf sibling first), an empty line, then
 * the checkpoint note verbatim. The checkpoint is kept as bytes for the caller to open with its keys.
 */
public record TlogProof(byte[] extra, long index, List<byte[]> hashes, byte[] checkpoint) {
    public static final String HEADER = "c2sp.org/tlog-proof@v1";
    public static final int MAX_HASHES = 63;
    public static final int MAX_SIZE = (1 << 20) + 64 * 1024;

    public TlogProof {
        extra = extra == null ? null : extra.clone();
        hashes = List.copyOf(hashes);
        checkpoint = checkpoint.clone();
    }

    public static TlogProof parse(byte[] data) throws FormatException {
        if (data.length > MAX_SIZE) {
            throw new FormatException("tlog-proof larger than " + MAX_SIZE + " bytes");
        }
        int[] pos = {0};
        if (!HEADER.equals(line(data, pos))) {
            throw new FormatException("missing expected header " + HEADER);
        }
        String l = line(data, pos);
        byte[] extra = null;
        if (l.startsWith("extra ")) {
            try {
                extra = Encoding.decodeBase64(l.substring(6), "extra");
            } catch (FormatException e) {
                throw new FormatException("extra data not base64 encoded");
            }
            l = line(data, pos);
        }
        if (!l.startsWith("index ")) {
            throw new FormatException("missing required index line");
        }
        long index;
        try {
            index = Encoding.parseUnsignedDecimal(l.substring(6), "index");
        } catch (FormatException e) {
            throw new FormatException("index is not a valid uint64");
        }
        List<byte[]> hashes = new ArrayList<>();
        while (!(l = line(data, pos)).isEmpty()) {
            if (hashes.size() == MAX_HASHES) {
                throw new FormatException("more than " + MAX_HASHES + " proof hashes");
            }
            byte[] h;
            try {
                h = Encoding.decodeBase64(l, "hash");
            } catch (FormatException e) {
                throw new FormatException("proof hash not base64 encoded");
            }
            if (h.length != MerkleHash.SIZE) {
                throw new FormatException("invalid proof hash length " + h.length);
            }
            hashes.add(h);
        }
        if (pos[0] >= data.length) {
            throw new FormatException("tlog-proof has no checkpoint");
        }
        return new TlogProof(extra, index, hashes, Arrays.copyOfRange(data, pos[0], data.length));
    }

    private static String line(byte[] data, int[] pos) throws FormatException {
        int start = pos[0];
        for (int i = start; i < data.length && i - start <= 4096; i++) {
            if (data[i] == '\n') {
                pos[0] = i + 1;
                for (int j = start; j < i; j++) {
                    if (data[j] < 0x20 || data[j] > 0x7e) {
                        throw new FormatException("tlog-proof header lines are printable ASCII");
                    }
                }
                return new String(data, start, i - start, StandardCharsets.US_ASCII);
            }
        }
        throw new FormatException("tlog-proof line without final newline");
    }

    public byte[] format() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        if (extra != null) {
            sb.append("extra ").append(Encoding.base64(extra)).append('\n');
        }
        sb.append("index ").append(Long.toUnsignedString(index)).append('\n');
        for (byte[] h : hashes) {
            sb.append(Encoding.base64(h)).append('\n');
        }
        sb.append('\n');
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(head, head.length + checkpoint.length);
        System.arraycopy(checkpoint, 0, out, head.length, checkpoint.length);
        return out;
    }

    @Override
    public byte[] extra() {
        return extra == null ? null : extra.clone();
    }

    @Override
    public byte[] checkpoint() {
        return checkpoint.clone();
    }
}
