package dev.vigil.engine.hash;

import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Hash signatures split into segments answer exactly as one table holding them all. */
class HashTablesTest {
    private static final long[] SIZES = {1, 2, 68, 4096, 70_000, 0xFFFF_FFFEL};

    /** One generated signature or allow-list entry. */
    private record Entry(HashScope scope, HashAlgorithm algorithm, byte[] digest, long size, String name,
                         boolean allow) {
    }

    private static List<Entry> generate(Random random, int count, byte[][][] digestPool) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HashAlgorithm a = HashAlgorithm.values()[random.nextInt(HashAlgorithm.values().length)];
            // few distinct digests and sizes, so that entries share keys within and across segments
            byte[] digest = digestPool[a.ordinal()][random.nextInt(digestPool[a.ordinal()].length)];
            long size = random.nextInt(8) == 0 ? -1 : SIZES[random.nextInt(SIZES.length)];
            HashScope scope = random.nextInt(3) == 0 ? HashScope.PE_SECTION
                    : random.nextInt(10) == 0 ? HashScope.PE_IMPORTS : HashScope.FILE;
            boolean allow = scope == HashScope.FILE && random.nextInt(25) == 0;
            out.add(new Entry(scope, a, digest, size, "Sig." + i + (random.nextBoolean() ? ".UNOFFICIAL" : ""), allow));
        }
        return out;
    }

    private static byte[][][] digestPool(Random random) {
        byte[][][] pool = new byte[HashAlgorithm.values().length][][];
        for (HashAlgorithm a : HashAlgorithm.values()) {
            pool[a.ordinal()] = new byte[12][];
            for (int k = 0; k < pool[a.ordinal()].length; k++) {
                byte[] d = new byte[a.length()];
                random.nextBytes(d);
                if (k % 3 == 1) {
                    // same 4-byte key prefix as the previous digest: the lookup must compare whole digests
                    System.arraycopy(pool[a.ordinal()][k - 1], 0, d, 0, 4);
                }
                pool[a.ordinal()][k] = d;
            }
        }
        return pool;
    }

    private static void add(HashTables.Builder b, Entry e) {
        if (e.allow()) {
            b.allow(e.algorithm(), e.digest(), e.size());
        } else {
            byte[] name = ("::" + e.name()).getBytes(StandardCharsets.UTF_8);
            b.add(e.scope(), e.algorithm(), e.digest(), e.size(), name, 2, name.length, null);
        }
    }

    private static void add(HashSegment.Builder b, Entry e) {
        if (e.allow()) {
            b.allow(e.algorithm(), e.digest(), e.size());
        } else {
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            b.add(e.scope(), e.algorithm(), e.digest(), e.size(), name, 0, name.length, null);
        }
    }

    /** Every answer the scan asks for, as text: covers, names found (in order), allow-list hits, scopes present. */
    private static List<String> answers(HashTables t, byte[][][] pool) {
        List<String> out = new ArrayList<>();
        for (HashScope scope : HashScope.values()) {
            out.add(scope + " present " + t.hasScope(scope));
            for (HashAlgorithm a : HashAlgorithm.values()) {
                HashTable table = t.table(scope, a);
                HashTable allowed = t.allowed(a);
                for (long size : new long[]{1, 2, 3, 68, 4096, 70_000, 0xFFFF_FFFEL, 0xFFFF_FFFFL, 1L << 40}) {
                    out.add(scope + " " + a + " " + size + " covers "
                            + (table == null ? "none" : table.covers(size))
                            + " allow covers " + (allowed == null ? "none" : allowed.covers(size)));
                    for (byte[] d : pool[a.ordinal()]) {
                        StringBuilder names = new StringBuilder();
                        if (table != null) {
                            for (int n : table.findAll(d, size)) {
                                names.append(t.name(n)).append(',');
                            }
                        }
                        out.add(names + " allowed " + (allowed != null && allowed.findAll(d, size).length > 0));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void segmentsAnswerAsOneMergedTable() throws Exception {
        for (int seed = 0; seed < 12; seed++) {
            Random random = new Random(seed);
            byte[][][] pool = digestPool(random);
            List<Entry> entries = generate(random, 400 + random.nextInt(800), pool);

            HashTables.Builder merged = new HashTables.Builder();
            entries.forEach(e -> add(merged, e));
            HashTables one = merged.build();
            assertThat(one.segments()).hasSize(1);

            // the same entries in segments of random lengths: some begun and ended in the builder, some built by
            // another builder and added whole (as a reload takes over a segment), some added outside any segment
            HashTables.Builder split = new HashTables.Builder();
            int i = 0;
            int segments = 0;
            while (i < entries.size()) {
                int end = Math.min(entries.size(), i + 1 + random.nextInt(entries.size() / 3 + 1));
                List<Entry> part = entries.subList(i, end);
                switch (random.nextInt(3)) {
                    case 0 -> {
                        split.beginSegment();
                        part.forEach(e -> add(split, e));
                        split.endSegment();
                    }
                    case 1 -> {
                        HashSegment.Builder other = new HashSegment.Builder();
                        part.forEach(e -> add(other, e));
                        split.addSegment(other.build());
                    }
                    default -> part.forEach(e -> add(split, e));
                }
                segments++;
                i = end;
            }
            HashTables many = split.build();
            assertThat(many.signatureCount()).isEqualTo(one.signatureCount());
            List<String> expected = answers(one, pool);
            assertThat(answers(many, pool)).as("seed %d, %d segments", seed, segments).isEqualTo(expected);
            assertThat(answers(roundTrip(many), pool)).as("seed %d through an image", seed).isEqualTo(expected);
        }
    }

    @Test
    void emptyAndAllowOnlySegmentsKeepNameIndexesRight() {
        HashTables.Builder b = new HashTables.Builder();
        byte[] d = new byte[16];
        d[0] = 7;
        b.beginSegment();
        HashSegment empty = b.endSegment();
        assertThat(empty.isEmpty()).isTrue();
        b.addSegment(empty);
        b.beginSegment();
        b.allow(HashAlgorithm.MD5, d, 10);
        HashSegment allowOnly = b.endSegment();
        assertThat(allowOnly.signatureCount()).isZero();
        assertThat(allowOnly.allowCount()).isEqualTo(1);
        byte[] name = "First".getBytes(StandardCharsets.UTF_8);
        b.add(HashScope.FILE, HashAlgorithm.MD5, d, 10, name, 0, name.length, null);
        b.beginSegment();
        b.allow(HashAlgorithm.MD5, d, 11);
        b.endSegment();
        byte[] second = "Second".getBytes(StandardCharsets.UTF_8);
        b.add(HashScope.FILE, HashAlgorithm.MD5, d, -1, second, 0, second.length, null);
        HashTables t = b.build();
        int[] found = t.table(HashScope.FILE, HashAlgorithm.MD5).findAll(d, 10);
        assertThat(found).hasSize(2);
        assertThat(t.name(found[0])).isEqualTo("First");
        assertThat(t.name(found[1])).isEqualTo("Second");
        assertThat(t.allowed(HashAlgorithm.MD5).findAll(d, 11)).hasSize(1);
    }

    private static HashTables roundTrip(HashTables t) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageOutput out = new ImageOutput(bytes);
        t.writeTo(out);
        out.finish();
        byte[] image = bytes.toByteArray();
        ImageInput in = new ImageInput(new ByteArrayInputStream(image), image.length);
        HashTables read = HashTables.readFrom(in);
        in.finish();
        return read;
    }
}
