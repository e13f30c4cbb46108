package dev.vigil.engine.filetype;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** ClamAV's built-in magic table (resource {@code builtin-magic.tsv}), filtered for the engine's functionality level. */
final class BuiltinMagic {
    /** The functionality level of the reference engine (clamscan 1.4.6). */
    static final int FUNCTIONALITY_LEVEL = 216;

    private static final List<MagicRule> RULES = load();

    private BuiltinMagic() {
    }

    /** The rules in ClamAV's load order. */
    static List<MagicRule> rules() {
        return RULES;
    }

    private static List<MagicRule> load() {
        try (InputStream in = BuiltinMagic.class.getResourceAsStream("builtin-magic.tsv")) {
            if (in == null) {
                throw new IllegalStateException("builtin-magic.tsv missing from the classpath");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            List<MagicRule> out = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                MagicRule rule = rule(line.split("\t", -1));
                if (rule != null) {
                    out.add(rule);
                }
            }
            return List.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MagicRule rule(String[] f) {
        int kind = Integer.parseInt(f[0]);
        String min = f[5];
        String max = f[6];
        // Same test as ClamAV's loader: an empty minimum counts as 0.
        if (!min.isEmpty() && Integer.parseInt(min) > FUNCTIONALITY_LEVEL
                || !max.isEmpty() && Integer.parseInt(max) < FUNCTIONALITY_LEVEL) {
            return null;
        }
        FileType required = FileType.of(f[3]);
        FileType type = FileType.of(f[4]);
        String description = f[7];
        if (kind == 1) {
            return new MagicRule(1, -1, null, MagicPatternSyntax.parse(f[2]), description, required, type,
                    MagicPatternSyntax.placement(f[1]));
        }
        return new MagicRule(kind, Long.parseLong(f[1]), MagicPatternSyntax.literal(f[2]), null, description,
                required, type);
    }
}
