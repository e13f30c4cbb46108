package dev.vigil.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Builds a scan corpus of about {@code --size-mb} megabytes: 70 % real files copied from system directories
 * (executables, libraries and whatever else lies there), 15 % generated text (plain, HTML, script) and 15 % random
 * data. Files listed by {@code --include} (the generator's planted-file list) are copied first so that the planted
 * signatures have something to detect. PE files are left out: Vigil and clamscan would parse them differently
 * while Vigil has no PE unpackers, and the system directories of a Linux box hold almost none anyway.
 * <p>
 * Usage: {@code CorpusBuilder --seed N --out DIR [--size-mb N] [--source DIR]... [--include FILE]}.
 * Identical files are copied once (a scanner's clean-file cache would otherwise skew the comparison).
 */
public final class CorpusBuilder {
    public static final List<Path> DEFAULT_SOURCES = List.of(Path.of("/usr/lib/x86_64-linux-gnu"), Path.of("/usr/bin"),
            Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib"));
    private static final long MAX_FILE = 64L << 20;
    /** Tiny files would make the run measure per-file overhead more than scanning. */
    private static final long MIN_FILE = 4 << 10;
    private static final String[] ENGLISH = ("the of and to in is you that it he was for on are as with his they at be this "
            + "have from or one had by word but not what all were we when your can said there use an each which she do how "
            + "their if will up other about out many then them these so some her would make like him into time has look two "
            + "more write go see number no way could people my than first water been call who oil its now find long down day "
            + "did get come made may part invoice payment account password update security click download document attached")
            .split(" ");

    /** What was written: bytes and files per kind. */
    public record Summary(long binaryBytes, int binaryFiles, long textBytes, int textFiles, long randomBytes,
                          int randomFiles) {
        public long totalBytes() {
            return binaryBytes + textBytes + randomBytes;
        }

        public int totalFiles() {
            return binaryFiles + textFiles + randomFiles;
        }
    }

    private final SplittableRandom random;
    private final List<String> vocabulary;

    private CorpusBuilder(long seed, List<String> vocabulary) {
        this.random = new SplittableRandom(seed);
        this.vocabulary = vocabulary;
    }

    public static Summary build(long seed, Path out, long sizeBytes, List<Path> sources, Path includeList)
            throws IOException {
        SourcePool pool = SourcePool.load(sources, 8L << 20, seed);
        List<String> vocabulary = new ArrayList<>(List.of(ENGLISH));
        for (String s : pool.strings()) {
            for (String w : s.split("[^A-Za-z0-9_]+")) {
                if (w.length() >= 3 && w.length() <= 20 && vocabulary.size() < 50_000) {
                    vocabulary.add(w);
                }
            }
        }
        return new CorpusBuilder(seed, vocabulary).write(out, sizeBytes, sources, includeList);
    }

    private Summary write(Path out, long sizeBytes, List<Path> sources, Path includeList) throws IOException {
        Path bin = Files.createDirectories(out.resolve("bin"));
        Path text = Files.createDirectories(out.resolve("text"));
        Path rnd = Files.createDirectories(out.resolve("random"));

        long binaryBudget = sizeBytes * 70 / 100;
        long textBudget = sizeBytes * 15 / 100;
        long randomBudget = sizeBytes - binaryBudget - textBudget;

        List<Path> candidates = new ArrayList<>();
        if (includeList != null && Files.isRegularFile(includeList)) {
            for (String line : Files.readAllLines(includeList, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    candidates.add(Path.of(line.trim()));
                }
            }
        }
        int included = candidates.size();
        List<Path> others = systemFiles(sources);
        shuffle(others);
        candidates.addAll(others);

        Set<String> seen = new HashSet<>();
        long binaryBytes = 0;
        int binaryFiles = 0;
        for (int i = 0; i < candidates.size() && (binaryBytes < binaryBudget || i < included); i++) {
            Path p = candidates.get(i);
            try {
                long size = Files.size(p);
                if ((size < MIN_FILE && i >= included) || size > MAX_FILE || isPe(p)
                        || !seen.add(size + ":" + HashSignatureFactory.digestOf(p, "SHA-256"))) {
                    continue;
                }
                String name = String.format(Locale.ROOT, "%05d-%s", binaryFiles, p.getFileName());
                Files.copy(p, bin.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                binaryBytes += size;
                binaryFiles++;
            } catch (IOException e) {
                // Unreadable system file: skip it.
            }
        }

        long textBytes = 0;
        int textFiles = 0;
        while (textBytes < textBudget) {
            // Few, larger files: clamscan's per-file cost (it evaluates every logical signature of the file's
            // type for each file) would otherwise dominate the run.
            int size = (int) Math.min(logUniform(16 << 10, 1 << 20), textBudget - textBytes + 1024);
            String[] kinds = {"txt", "html", "js", "sh"};
            String kind = kinds[random.nextInt(kinds.length)];
            Path f = text.resolve(String.format(Locale.ROOT, "%05d.%s", textFiles, kind));
            textBytes += writeText(f, kind, size);
            textFiles++;
        }

        long randomBytes = 0;
        int randomFiles = 0;
        byte[] buf = new byte[1 << 16];
        while (randomBytes < randomBudget) {
            long size = Math.min(logUniform(64 << 10, 8 << 20), randomBudget - randomBytes + 4096);
            Path f = rnd.resolve(String.format(Locale.ROOT, "%05d.bin", randomFiles));
            try (var o = Files.newOutputStream(f)) {
                for (long n = 0; n < size; n += buf.length) {
                    random.nextBytes(buf);
                    o.write(buf, 0, (int) Math.min(buf.length, size - n));
                }
            }
            randomBytes += size;
            randomFiles++;
        }
        return new Summary(binaryBytes, binaryFiles, textBytes, textFiles, randomBytes, randomFiles);
    }

    private long writeText(Path f, String kind, int size) throws IOException {
        StringBuilder sb = new StringBuilder(size + 256);
        switch (kind) {
            case "html" -> sb.append("<!DOCTYPE html>\n<html><head><title>").append(words(5))
                    .append("</title></head>\n<body>\n");
            case "js" -> sb.append("'use strict';\n");
            case "sh" -> sb.append("#!/bin/sh\nset -e\n");
            default -> { }
        }
        while (sb.length() < size) {
            switch (kind) {
                case "html" -> sb.append("<p class=\"").append(word()).append("\">").append(words(8 + random.nextInt(30)))
                        .append(" <a href=\"https://").append(word().toLowerCase(Locale.ROOT)).append(".example/")
                        .append(word()).append("\">").append(words(2)).append("</a></p>\n");
                case "js" -> sb.append("function ").append(word()).append('(').append(word()).append(", ").append(word())
                        .append(") {\n  var ").append(word()).append(" = \"").append(words(6)).append("\";\n  return ")
                        .append(random.nextInt(1000)).append(";\n}\n");
                case "sh" -> sb.append(word().toLowerCase(Locale.ROOT)).append(" --").append(word().toLowerCase(Locale.ROOT))
                        .append(" \"").append(words(4)).append("\" || echo \"").append(words(5)).append("\"\n");
                default -> sb.append(words(10 + random.nextInt(60))).append(".\n\n");
            }
        }
        if (kind.equals("html")) {
            sb.append("</body></html>\n");
        }
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(f, StandardCharsets.US_ASCII))) {
            w.write(sb.toString());
        }
        return sb.length();
    }

    private String word() {
        // Mostly plain English, some identifiers from real binaries.
        return random.nextInt(4) == 0 ? vocabulary.get(random.nextInt(vocabulary.size()))
                : ENGLISH[random.nextInt(ENGLISH.length)];
    }

    private String words(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(word());
        }
        return sb.toString();
    }

    private long logUniform(long lo, long hi) {
        return (long) Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }

    private static boolean isPe(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 'M' && head[1] == 'Z';
        }
    }

    /** Regular files under the directories (any depth, symlinks not followed), sorted by path. */
    private static List<Path> systemFiles(List<Path> dirs) throws IOException {
        Set<Path> out = new java.util.TreeSet<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir, 4)) {
                walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.isReadable(p))
                        .forEach(out::add);
            } catch (java.io.UncheckedIOException e) {
                // An unreadable subdirectory: keep what was listed.
            }
        }
        return new ArrayList<>(out);
    }

    private <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    public static void main(String[] args) throws IOException {
        long seed = 1;
        Path out = null;
        long sizeMb = 300;
        Path include = null;
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                case "--size-mb" -> sizeMb = Long.parseLong(args[i + 1]);
                case "--source" -> sources.add(Path.of(args[i + 1]));
                case "--include" -> include = Path.of(args[i + 1]);
                default -> {
                    System.err.println("CorpusBuilder: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        if (out == null || args.length % 2 != 0) {
            System.err.println("usage: CorpusBuilder --seed N --out DIR [--size-mb N] [--source DIR]... [--include FILE]");
            System.exit(2);
        }
        Summary s = build(seed, out, sizeMb << 20, sources.isEmpty() ? DEFAULT_SOURCES : sources, include);
        System.out.printf("Corpus %s: %,d files, %,d bytes (binaries %,d files / %,d B, text %,d / %,d B, random %,d / %,d B)%n",
                out, s.totalFiles(), s.totalBytes(), s.binaryFiles(), s.binaryBytes(), s.textFiles(), s.textBytes(),
                s.randomFiles(), s.randomBytes());
    }
}
