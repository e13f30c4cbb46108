package dev.vigil.difftest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * A deterministic sample of the machine's own binaries: real, varied, benign inputs. Files are ordered by a seeded
 * hash of their path (not by name, so the sample is spread over the folder) and taken while the count and total size
 * stay within bounds, so the suite's run time does not depend on the machine.
 */
public final class SystemSample {
    public static final List<Path> FOLDERS = List.of(Path.of("/usr/bin"), Path.of("/usr/lib/x86_64-linux-gnu"));
    public static final int COUNT = 40;
    public static final long MAX_FILE = 4L << 20;
    public static final long MAX_TOTAL = 32L << 20;
    public static final String SEED = "vigil-difftest-1";

    private SystemSample() {
    }

    public static List<Path> select() throws IOException {
        return select(candidates(), COUNT, MAX_FILE, MAX_TOTAL, SEED);
    }

    /** Regular, readable, non-empty files directly in {@link #FOLDERS}: executables, and libraries ({@code .so}). */
    public static List<Path> candidates() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path folder : FOLDERS) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            boolean libraries = folder.getFileName().toString().endsWith("-linux-gnu");
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
                for (Path p : entries) {
                    if (libraries && !p.getFileName().toString().contains(".so")) {
                        continue;
                    }
                    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.isReadable(p)) {
                        out.add(p);
                    }
                }
            }
        }
        return out;
    }

    public static List<Path> select(List<Path> candidates, int count, long maxFile, long maxTotal, String seed)
            throws IOException {
        List<Path> ordered = new ArrayList<>(candidates);
        ordered.sort(Comparator.comparing((Path p) -> rank(seed, p)).thenComparing(Path::toString));
        List<Path> chosen = new ArrayList<>();
        long total = 0;
        for (Path p : ordered) {
            if (chosen.size() == count) {
                break;
            }
            long size = Files.size(p);
            if (size == 0 || size > maxFile || total + size > maxTotal) {
                continue;
            }
            chosen.add(p);
            total += size;
        }
        return chosen;
    }

    private static String rank(String seed, Path p) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(seed.getBytes(StandardCharsets.UTF_8));
            sha.update(p.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
