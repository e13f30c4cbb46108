package dev.vigil.yara.modules.pe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real PE files from a few Debian packages (signed EFI binaries from Debian and Microsoft, NSIS's 32-bit DLLs and
 * stubs), downloaded once with apt-get into target/pe-samples. Empty when apt-get or the network is unavailable.
 */
final class SignedSamples {
    private static final List<String> PACKAGES = List.of("shim-signed", "grub-efi-amd64-signed",
            "fwupd-amd64-signed", "shim-helpers-amd64-signed", "nsis-common");
    private static final Path CACHE = Path.of("target", "pe-samples");
    private static List<Path> files;

    private SignedSamples() {
    }

    static synchronized List<Path> files() {
        if (files == null) {
            files = load();
        }
        return files;
    }

    private static List<Path> load() {
        Path extracted = CACHE.resolve("root");
        try {
            if (!Files.isDirectory(extracted)) {
                Files.createDirectories(CACHE);
                List<String> download = new ArrayList<>(List.of("apt-get", "download"));
                download.addAll(PACKAGES);
                if (!run(download, CACHE)) {
                    return List.of();
                }
                Path staging = CACHE.resolve("staging");
                try (Stream<Path> debs = Files.list(CACHE)) {
                    for (Path deb : debs.filter(p -> p.toString().endsWith(".deb")).toList()) {
                        run(List.of("dpkg", "-x", deb.toAbsolutePath().toString(), staging.toAbsolutePath().toString()),
                                CACHE);
                    }
                }
                Files.move(staging, extracted);
            }
            try (Stream<Path> all = Files.walk(extracted)) {
                return all.filter(Files::isRegularFile).filter(p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith(".signed") || n.endsWith(".efi") || n.endsWith(".dll") || n.endsWith(".exe");
                }).sorted().toList();
            }
        } catch (IOException | InterruptedException e) {
            return List.of();
        }
    }

    private static boolean run(List<String> command, Path dir) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false;
        }
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return false;
        }
        return p.exitValue() == 0;
    }
}
