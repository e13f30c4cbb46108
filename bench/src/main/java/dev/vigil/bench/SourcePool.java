package dev.vigil.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Bytes of real files (system binaries) to cut signature fragments from, so that generated patterns have the byte
 * statistics of real code and data rather than of uniform noise. Real malware signatures are cut from executables
 * in the same way; uniform random patterns would make every matcher look better (or, for 2-byte anchors, far worse)
 * than it is on real databases.
 * <p>
 * Deterministic for a given seed and the same files on disk. Falls back to pseudo-random bytes when the source
 * directories hold too little.
 */
public final class SourcePool {
    /** One file's bytes as read (a window of at most {@link #MAX_BYTES_PER_FILE}). */
    public record Source(Path path, long fileSize, long windowStart, byte[] bytes) {
    }

    static final int MAX_BYTES_PER_FILE = 2 << 20;
    static final int MIN_FILE_SIZE = 16 << 10;
    private static final int MIN_STRING = 8;
    private static final int MAX_STRINGS = 400_000;

    private final List<Source> sources;
    private final List<String> strings;
    private final SplittableRandom random;

    private SourcePool(List<Source> sources, List<String> strings, SplittableRandom random) {
        this.sources = sources;
        this.strings = strings;
        this.random = random;
    }

    /**
     * Reads up to {@code budgetBytes} from regular files under {@code dirs} (at most two levels down, symlinks not
     * followed), chosen in a seeded order.
     */
    public static SourcePool load(List<Path> dirs, long budgetBytes, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<Path> candidates = candidateFiles(dirs);
        shuffle(candidates, random);
        List<Source> sources = new ArrayList<>();
        long total = 0;
        for (Path p : candidates) {
            if (total >= budgetBytes) {
                break;
            }
            Source s = readWindow(p, random);
            if (s != null) {
                sources.add(s);
                total += s.bytes().length;
            }
        }
        if (total < (1 << 20)) {
            // No usable system files (or a tiny container): fall back to noise so the generator still works.
            byte[] noise = new byte[4 << 20];
            new SplittableRandom(seed ^ 0x5eed).nextBytes(noise);
            sources.add(new Source(Path.of("<random>"), noise.length, 0, noise));
        }
        return new SourcePool(List.copyOf(sources), extractStrings(sources), random);
    }

    /** Regular files of at least {@link #MIN_FILE_SIZE} bytes under the directories, sorted by path. */
    static List<Path> candidateFiles(List<Path> dirs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir, 2)) {
                walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .filter(p -> {
                            try {
                                return Files.size(p) >= MIN_FILE_SIZE && Files.isReadable(p);
                            } catch (IOException e) {
                                return false;
                            }
                        })
                        .forEach(out::add);
            } catch (java.io.UncheckedIOException e) {
                // An unreadable subdirectory: use what was listed before it.
            }
        }
        out.sort(null);
        return out;
    }

    private static Source readWindow(Path p, SplittableRandom random) {
        try {
            long size = Files.size(p);
            long start = size <= MAX_BYTES_PER_FILE ? 0 : random.nextLong(size - MAX_BYTES_PER_FILE);
            int len = (int) Math.min(size, MAX_BYTES_PER_FILE);
            byte[] b = new byte[len];
            try (InputStream in = Files.newInputStream(p)) {
                in.skipNBytes(start);
                int n = in.readNBytes(b, 0, len);
                if (n < MIN_FILE_SIZE) {
                    return null;
                }
                if (n < len) {
                    b = java.util.Arrays.copyOf(b, n);
                }
            }
            return new Source(p, size, start, b);
        } catch (IOException e) {
            return null;
        }
    }

    /** Printable ASCII runs, as {@code strings(1)} would list them: names, messages, paths, format strings. */
    private static List<String> extractStrings(List<Source> sources) {
        List<String> out = new ArrayList<>();
        for (Source s : sources) {
            byte[] b = s.bytes();
            int start = -1;
            for (int i = 0; i <= b.length && out.size() < MAX_STRINGS; i++) {
                boolean printable = i < b.length && b[i] >= 0x20 && b[i] < 0x7f;
                if (printable) {
                    if (start < 0) {
                        start = i;
                    }
                } else if (start >= 0) {
                    if (i - start >= MIN_STRING) {
                        String str = new String(b, start, Math.min(i - start, 80), StandardCharsets.US_ASCII).strip();
                        if (str.length() >= MIN_STRING && looksLikeText(str)) {
                            out.add(str);
                        }
                    }
                    start = -1;
                }
            }
        }
        if (out.isEmpty()) {
            out.add("GetProcAddress");
            out.add("LoadLibraryA");
        }
        return List.copyOf(out);
    }

    /**
     * Mostly letters, digits and spaces, and not an x86 push/pop sequence that happens to be printable
     * ({@code AWAVAUATUSH}, {@code []A\A]}): those occur in every binary and would give thousands of patterns one
     * common head, which no real database has.
     */
    static boolean looksLikeText(String s) {
        int alnum = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c) || c == ' ') {
                alnum++;
            }
        }
        return alnum * 5 >= s.length() * 4 && !s.contains("AWAV") && !s.contains("AUAT") && !s.contains("A\\A]")
                && !s.contains("[]A") && !s.contains("A^A_") && !s.contains("AVAU");
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    public List<Source> sources() {
        return sources;
    }

    /** The pool's files as Latin-1 text, built on first use, for {@link #isUnique}. */
    private List<String> haystacks;

    /**
     * True when {@code fragment} occurs exactly once in the whole pool. Planted signatures use only such fragments:
     * code shared by many files (static runtimes, section-name tables) would otherwise detect half a corpus.
     */
    public boolean isUnique(byte[] fragment) {
        if (haystacks == null) {
            haystacks = sources.stream().map(s -> new String(s.bytes(), StandardCharsets.ISO_8859_1)).toList();
        }
        String needle = new String(fragment, StandardCharsets.ISO_8859_1);
        int found = 0;
        for (String h : haystacks) {
            for (int at = h.indexOf(needle); at >= 0 && found < 2; at = h.indexOf(needle, at + 1)) {
                found++;
            }
            if (found > 1) {
                return false;
            }
        }
        return found == 1;
    }

    /** Printable runs of the pool's files, in the order found. */
    public List<String> strings() {
        return strings;
    }

    public Source randomSource() {
        return sources.get(random.nextInt(sources.size()));
    }

    /**
     * A fragment of {@code length} bytes of a real file that looks like code or data rather than padding: enough
     * distinct byte values and not mostly zeros. After a number of failed draws it takes whatever it found last.
     */
    public byte[] fragment(int length) {
        byte[] last = null;
        for (int attempt = 0; attempt < 64; attempt++) {
            Source s = randomSource();
            if (s.bytes().length <= length) {
                continue;
            }
            int at = random.nextInt(s.bytes().length - length);
            last = java.util.Arrays.copyOfRange(s.bytes(), at, at + length);
            if (looksLikeContent(last)) {
                return last;
            }
        }
        if (last == null) {
            last = new byte[length];
            random.nextBytes(last);
        }
        return last;
    }

    /** The bytes of {@code source} at file offset {@code at}, or null if that part of the file was not read. */
    public static byte[] at(Source source, long at, int length) {
        long rel = at - source.windowStart();
        if (rel < 0 || rel + length > source.bytes().length) {
            return null;
        }
        return java.util.Arrays.copyOfRange(source.bytes(), (int) rel, (int) rel + length);
    }

    static boolean looksLikeContent(byte[] b) {
        boolean[] seen = new boolean[256];
        int distinct = 0;
        int zeros = 0;
        for (byte x : b) {
            int v = x & 0xff;
            if (!seen[v]) {
                seen[v] = true;
                distinct++;
            }
            if (v == 0) {
                zeros++;
            }
        }
        // Leading 00 00 would be shifted away by ClamAV's loader; real signatures rarely start with padding.
        boolean zeroHead = b.length >= 2 && b[0] == 0 && b[1] == 0;
        return distinct >= Math.max(4, b.length / 4) && zeros * 3 <= b.length && !zeroHead;
    }

    /** A printable string of a real binary, at least {@code minLength} long (several joined when short). */
    public String string(int minLength, int maxLength) {
        StringBuilder sb = new StringBuilder(tail(strings.get(random.nextInt(strings.size())), minLength));
        while (sb.length() < minLength) {
            sb.append(' ').append(strings.get(random.nextInt(strings.size())));
        }
        if (sb.length() > maxLength) {
            sb.setLength(maxLength);
        }
        return sb.toString();
    }

    /**
     * The string from a word start chosen at random (leaving at least {@code minLength} characters when it can), so
     * that patterns do not all share the few heads of symbol tables ({@code _ZN}, {@code GL_}, {@code xml}).
     */
    private String tail(String s, int minLength) {
        if (s.length() <= minLength) {
            return s;
        }
        int at = random.nextInt(s.length() - minLength + 1);
        while (at > 0 && at < s.length() - minLength && Character.isLetterOrDigit(s.charAt(at - 1))) {
            at++;
        }
        return s.substring(at);
    }

    /** Bytes of real files laid end to end, {@code size} bytes in all (for scan benchmarks on binary data). */
    public byte[] concatenated(int size) {
        byte[] out = new byte[size];
        int n = 0;
        int i = 0;
        while (n < size) {
            byte[] b = sources.get(i++ % sources.size()).bytes();
            int take = Math.min(b.length, size - n);
            System.arraycopy(b, 0, out, n, take);
            n += take;
        }
        return out;
    }
}
