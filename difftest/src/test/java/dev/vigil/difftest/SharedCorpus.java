package dev.vigil.difftest;

import dev.vigil.difftest.gen.EicarCaseGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The inputs every shared signature set is compared on, copied into a scratch folder as regular files (clamscan
 * does not follow links met while recursing). Two groups:
 * <ul>
 *   <li>{@code plain}: files that wrap nothing (ClamAV's test.exe and clam.exe, generated files, a sample of system
 *       binaries), scanned by clamscan with PE parsing on;</li>
 *   <li>{@code wrapped}: ClamAV's packed, archived, mailed and embedded test files, scanned with PE parsing off
 *       (see {@link PeMode}).</li>
 * </ul>
 */
public final class SharedCorpus {
    private static final Pattern XOR_KEY = Pattern.compile("\\b[a-z]{160}\\b");

    private SharedCorpus() {
    }

    public static List<InputGroup> build(Path shared, Path scratch) throws IOException {
        Path unit = shared.resolve("conformance/clamav-unit-input");
        Path plain = Files.createDirectories(scratch.resolve("plain"));
        Path wrapped = Files.createDirectories(scratch.resolve("wrapped"));

        copy(unit.resolve("pe_allmatch/test.exe"), plain.resolve("clamav-unit/test.exe"));
        Path scanfiles = unit.resolve("clamav_hdb_scanfiles");
        byte[] key = xorKey(scanfiles.resolve("../PROVENANCE.txt"));
        try (Stream<Path> list = Files.list(scanfiles)) {
            for (Path xored : list.filter(p -> p.toString().endsWith(".xor")).sorted().toList()) {
                String name = xored.getFileName().toString().replaceFirst("\\.xor$", "");
                byte[] data = xor(Files.readAllBytes(xored), key);
                Files.write(target(wrapped.resolve("clamav_hdb_scanfiles/" + name)), data);
                if (name.equals("clam.exe")) {
                    Files.write(target(plain.resolve("clamav-unit/clam.exe")), data);
                    byte[] longer = java.util.Arrays.copyOf(data, data.length + 1);
                    Files.write(target(plain.resolve("generated/clam.exe-plus-one-byte")), longer);
                }
            }
        }
        for (String folder : List.of("other_scanfiles", "embedded_testfiles", "htmlnorm_scanfiles")) {
            copyTree(unit.resolve(folder), wrapped.resolve(folder), p -> !p.startsWith(unit.resolve(
                    "embedded_testfiles/signatures")));
        }
        Path debian = Path.of("/usr/share/clamav-testfiles");
        if (Files.isDirectory(debian)) {
            copyTree(debian, wrapped.resolve("clamav-testfiles"), p -> true);
        }
        generate(plain.resolve("generated"));
        for (Path binary : SystemSample.select()) {
            String flat = binary.toString().substring(1).replace('/', '_');
            copy(binary, plain.resolve("system/" + flat));
        }
        return List.of(new InputGroup("plain", plain, PeMode.PARSE), new InputGroup("wrapped", wrapped, PeMode.OFF));
    }

    /** Small files with known content: clean and infected text, random bytes, an empty file. */
    static void generate(Path dir) throws IOException {
        Files.createDirectories(dir);
        String eicar = EicarCaseGenerator.EICAR;
        Files.writeString(dir.resolve("eicar.com"), eicar, StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("strings.txt"), """
                Plain text that carries strings signature sets look for.
                CLAMAV-TEST-STRING-NOT-EICAR
                <?php eval(base64_decode($_POST['cmd'])); ?>
                <script>document.write(unescape('%3Cscript%3E'));</script>
                """ + eicar + "\n", StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("clean.txt"), "Nothing to see here.\n".repeat(200), StandardCharsets.US_ASCII);
        byte[] random = new byte[1 << 20];
        new SplittableRandom(0x5eedL).nextBytes(random);
        Files.write(dir.resolve("random-1MiB.bin"), random);
        Files.write(dir.resolve("empty.bin"), new byte[0]);
    }

    static byte[] xorKey(Path provenance) throws IOException {
        Matcher m = XOR_KEY.matcher(Files.readString(provenance));
        if (!m.find()) {
            throw new IOException("no 160-letter XOR key in " + provenance);
        }
        return m.group().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] xor(byte[] data, byte[] key) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) (data[i] ^ key[i % key.length]);
        }
        return out;
    }

    private static void copyTree(Path from, Path to, java.util.function.Predicate<Path> keep) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(from)) {
            walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).filter(keep).forEach(files::add);
        }
        for (Path p : files) {
            copy(p, to.resolve(from.relativize(p).toString()));
        }
    }

    /** Copies content only, so the copy is writable and can be deleted with the scratch folder. */
    private static void copy(Path from, Path to) throws IOException {
        try (InputStream in = Files.newInputStream(from)) {
            Files.copy(in, target(to));
        }
    }

    private static Path target(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return file;
    }
}
