package dev.vigil.clamav;

import dev.vigil.engine.hash.HashSegment;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The hash segments of the hash database files one load read ({@code .hdb .hsb .mdb .msb .fp .sfp .imp} and their PUA
 * variants, plain or inside a container), each under a key that changes whenever its signatures could: the content's
 * SHA-256, the name it loaded under, whether it was official and from a container, and the load options. A later load
 * ({@link ClamAvLoader#reuseHashSegments}) adds the segment of a file whose key is unchanged instead of parsing the
 * file again, provided the ignore lists ({@code .ign/.ign2}) still drop exactly what they dropped from it.
 * Immutable; holds the segments, which the engine built from the same load holds anyway.
 */
public final class HashSegmentCache {
    /** No segments: the first load, or a load that should parse everything. */
    public static final HashSegmentCache EMPTY = new HashSegmentCache(Map.of(), 0, 0);

    /**
     * One file's segment.
     *
     * @param segment       the built segment
     * @param ignoresUsed   identities of the ignore entries that dropped one of the file's signatures
     * @param counted       what the file added to the "Known viruses" count
     */
    record Entry(HashSegment segment, Set<String> ignoresUsed, int counted) {
    }

    private final Map<String, Entry> byKey;
    private final int reused;
    private final int parsed;

    HashSegmentCache(Map<String, Entry> byKey, int reused, int parsed) {
        this.byKey = Collections.unmodifiableMap(new LinkedHashMap<>(byKey));
        this.reused = reused;
        this.parsed = parsed;
    }

    Entry find(String key) {
        return byKey.get(key);
    }

    /** Whether some held key starts with {@code keyPrefix} (the same file under the same options, any content). */
    boolean hasFile(String keyPrefix) {
        for (String key : byKey.keySet()) {
            if (key.startsWith(keyPrefix)) {
                return true;
            }
        }
        return false;
    }

    /** Number of files whose segment is held. */
    public int size() {
        return byKey.size();
    }

    /** Of the hash database files of the load that made this, how many were taken over from the previous load. */
    public int reusedFiles() {
        return reused;
    }

    /** Of the hash database files of the load that made this, how many were parsed. */
    public int parsedFiles() {
        return parsed;
    }
}
