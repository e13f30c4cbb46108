package dev.vigil.unpack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads a ratchet file from the test resources: one entry per line, a tab then the reason, # comments. */
final class KnownFailures {
    private KnownFailures() {
    }

    static List<String> read(String resource) throws IOException {
        try (InputStream in = KnownFailures.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                return List.of();
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split("\t", 2)[0].trim())
                    .toList();
        }
    }
}
