package dev.vigil.clamav;

import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The signatures Vigil uses when no database is given: official ClamAV hash signatures for the harmless EICAR and
 * ClamAV test files, bundled as {@code dev/vigil/clamav/defaults/defaults.hdb} (origin in the PROVENANCE.txt beside
 * it). Names are reported as ClamAV publishes them, without {@code .UNOFFICIAL}.
 */
public final class DefaultSignatures {
    static final String RESOURCE = "defaults/defaults.hdb";

    private static final List<HashSignature> SIGNATURES = parse(read());

    private DefaultSignatures() {
    }

    /** Adds the default signatures (and a source description) to {@code into}; returns how many were added. */
    public static int addTo(EngineBuilder into) {
        for (HashSignature s : SIGNATURES) {
            into.add(s);
        }
        into.source(description());
        return SIGNATURES.size();
    }

    /** The signatures themselves, in resource order. */
    public static List<HashSignature> signatures() {
        return SIGNATURES;
    }

    /** One line for version reports. */
    public static String description() {
        List<String> names = SIGNATURES.stream().map(HashSignature::name).toList();
        return "built-in defaults: " + SIGNATURES.size() + " official ClamAV test-file signatures ("
                + String.join(", ", names) + ")";
    }

    private static String read() {
        try (InputStream in = DefaultSignatures.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the bundled .hdb text; the resource is part of this build, so a bad line is a build error. */
    static List<HashSignature> parse(String text) {
        List<HashSignature> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split(":");
            if (f.length != 3) {
                throw new IllegalStateException("bad default signature line: " + line);
            }
            byte[] digest = HexFormat.of().parseHex(f[0]);
            HashAlgorithm algorithm = HashAlgorithm.ofLength(digest.length);
            if (algorithm == null) {
                throw new IllegalStateException("bad digest length in: " + line);
            }
            out.add(new HashSignature(f[2], algorithm, digest, Long.parseLong(f[1]), HashScope.FILE));
        }
        return List.copyOf(out);
    }
}
