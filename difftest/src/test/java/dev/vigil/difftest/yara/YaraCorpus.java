package dev.vigil.difftest.yara;

import dev.vigil.difftest.SystemSample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The files the YARA differential test scans, cached under {@code target/}: a sample of the machine's ELF binaries,
 * PE files from Debian packages ({@code apt-get download} + {@code dpkg -x}; skipped when offline), ClamAV's test
 * files, YARA's own test data from the shared conformance folder, and generated files that exercise xor, base64,
 * wide and fullword strings.
 */
final class YaraCorpus {
    private final YaraDiffSettings settings;
    private final List<String> notes = new ArrayList<>();

    YaraCorpus(YaraDiffSettings settings) {
        this.settings = settings;
    }

    /** What could not be added (offline, a package missing), for the test report. */
    List<String> notes() {
        return notes;
    }

    List<Path> build(Path shared) throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        files.addAll(SystemSample.select(SystemSample.candidates(), settings.systemFiles(), settings.maxFileSize(),
                settings.systemBytes(), "vigil-yara-difftest-1"));
        for (String pkg : settings.debianPackages()) {
            files.addAll(peFilesOf(pkg));
        }
        files.addAll(regularFiles(Path.of("/usr/share/clamav-testfiles")));
        if (shared != null) {
            files.addAll(regularFiles(shared.resolve("conformance/yara/data")));
        }
        files.addAll(generated());
        return files.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    }

    private List<Path> regularFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            notes.add("missing: " + dir);
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && size(p) > 0
                    && size(p) <= settings.maxFileSize()).sorted().toList();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }

    /** A package's PE files (those starting with "MZ"), downloaded and unpacked once into the cache. */
    List<Path> peFilesOf(String pkg) throws IOException, InterruptedException {
        Path root = settings.cache().toAbsolutePath().resolve("debs").resolve(pkg);
        Path done = root.resolve(".unpacked");
        if (!Files.exists(done)) {
            Path download = Files.createDirectories(settings.cache().toAbsolutePath().resolve("debs-download"));
            Files.createDirectories(root);
            try (Stream<Path> old = Files.list(download)) {
                for (Path p : old.toList()) {
                    Files.delete(p);
                }
            }
            if (run(download, 300, "apt-get", "download", pkg) != 0) {
                notes.add("apt-get download " + pkg + " failed (offline?): its PE files are left out");
                return List.of();
            }
            Path deb;
            try (Stream<Path> s = Files.list(download)) {
                deb = s.filter(p -> p.toString().endsWith(".deb")).findFirst().orElse(null);
            }
            if (deb == null || run(download, 300, "dpkg", "-x", deb.toString(), root.resolve("root").toString()) != 0) {
                notes.add("could not unpack " + pkg);
                return List.of();
            }
            Files.delete(deb);
            Files.writeString(done, pkg + "\n");
        }
        List<Path> pe = new ArrayList<>();
        for (Path p : regularFiles(root.resolve("root"))) {
            if (pe.size() == settings.pePerPackage()) {
                break;
            }
            if (startsWithMz(p)) {
                pe.add(p);
            }
        }
        if (pe.isEmpty()) {
            notes.add(pkg + " has no PE file");
        }
        return pe;
    }

    private static boolean startsWithMz(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            return in.read() == 'M' && in.read() == 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static int run(Path dir, int seconds, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return -1; // no apt-get or dpkg on this machine
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** Files made for string modifiers: xor under several keys, base64 at three alignments, wide text, word edges. */
    List<Path> generated() throws IOException {
        Path dir = Files.createDirectories(settings.cache().resolve("generated"));
        List<Path> out = new ArrayList<>();
        String[] words = {"This program cannot be run in DOS mode", "CreateRemoteThread", "VirtualAlloc",
                "cmd.exe /c", "powershell -enc", "http://", "LoadLibraryA", "GetProcAddress", "kernel32.dll"};
        Random random = new Random(20261123);
        for (int key : new int[]{0x01, 0x20, 0x5a, 0xff}) {
            StringBuilder b = new StringBuilder();
            for (String w : words) {
                b.append(w).append(' ');
            }
            byte[] plain = b.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] x = new byte[plain.length];
            for (int i = 0; i < plain.length; i++) {
                x[i] = (byte) (plain[i] ^ key);
            }
            out.add(write(dir.resolve("xor-" + Integer.toHexString(key) + ".bin"), x));
        }
        StringBuilder b64 = new StringBuilder();
        for (int pad = 0; pad < 3; pad++) {
            for (String w : words) {
                b64.append(Base64.getEncoder().encodeToString(("xy".substring(0, pad) + w)
                        .getBytes(StandardCharsets.US_ASCII))).append('\n');
            }
        }
        out.add(write(dir.resolve("base64.txt"), b64.toString().getBytes(StandardCharsets.US_ASCII)));
        StringBuilder wide = new StringBuilder();
        for (String w : words) {
            wide.append(w).append('\0');
        }
        out.add(write(dir.resolve("wide.bin"), wide.toString().getBytes(StandardCharsets.UTF_16LE)));
        StringBuilder edges = new StringBuilder();
        for (String w : words) {
            edges.append(w).append(' ').append('x').append(w).append(' ').append(w).append('9').append('\n');
            edges.append('_').append(w).append('_').append('\n');
        }
        out.add(write(dir.resolve("fullword.txt"), edges.toString().getBytes(StandardCharsets.US_ASCII)));
        byte[] noise = new byte[256 << 10];
        random.nextBytes(noise);
        out.add(write(dir.resolve("random.bin"), noise));
        return out;
    }

    private static Path write(Path p, byte[] content) throws IOException {
        Files.write(p, content);
        return p;
    }
}
