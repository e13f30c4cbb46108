package dev.vigil.yara.modules.elf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** ELF inputs for the tests: system binaries, YARA's own test blobs, and seeded hostile mutations of them. */
final class ElfSamples {

    private ElfSamples() {
    }

    /** The small ELF32/ELF64, LE/BE files made for this project (the fuzz seeds), by file name. */
    static Map<String, byte[]> synthetic() throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String name : List.of("elf32le", "elf32be", "elf64le", "elf64be")) {
            try (var in = ElfSamples.class.getResourceAsStream("ElfFuzzTestInputs/elfModule/" + name)) {
                if (in != null) {
                    out.put(name, in.readAllBytes());
                }
            }
        }
        return out;
    }

    /** The distinct ELF blobs of YARA's test-elf.c, from the shared conformance cases. */
    static List<byte[]> conformanceBlobs() throws IOException {
        Path cases = Path.of(System.getProperty("vigil.shared", "../shared"), "conformance/yara/cases.jsonl");
        List<byte[]> blobs = new ArrayList<>();
        if (!Files.exists(cases)) {
            return blobs;
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String line : Files.readAllLines(cases)) {
            if (!line.contains("\"test-elf.c:")) {
                continue;
            }
            int start = line.indexOf("\"data_hex\":\"");
            if (start < 0) {
                continue;
            }
            start += "\"data_hex\":\"".length();
            String hex = line.substring(start, line.indexOf('"', start));
            if (seen.add(hex)) {
                blobs.add(HexFormat.of().parseHex(hex));
            }
        }
        return blobs;
    }

    /** Up to {@code limit} ELF files from /usr/bin smaller than {@code maxSize}, in name order. */
    static List<Path> systemBinaries(int limit, long maxSize) throws IOException {
        return elfFiles(Path.of("/usr/bin"), limit, maxSize);
    }

    /** Up to {@code limit} ELF files directly in {@code bin} smaller than {@code maxSize}, in name order. */
    static List<Path> elfFiles(Path bin, int limit, long maxSize) throws IOException {
        if (!Files.isDirectory(bin)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(bin)) {
            return files.sorted().filter(p -> {
                try {
                    if (!Files.isRegularFile(p) || Files.size(p) > maxSize || !Files.isReadable(p)) {
                        return false;
                    }
                    byte[] head = new byte[4];
                    try (var in = Files.newInputStream(p)) {
                        return in.read(head) == 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L'
                                && head[3] == 'F';
                    }
                } catch (IOException e) {
                    return false;
                }
            }).limit(limit).toList();
        }
    }

    /**
     * Seeded mutations that hit the parser's checks: truncations, header fields set to edge values, and random
     * bytes written over the section, program and symbol tables.
     */
    static Map<String, byte[]> mutations(String name, byte[] base, int count, long seed) {
        Random random = new Random(seed);
        Map<String, byte[]> out = new LinkedHashMap<>();
        boolean is64 = base.length > 4 && base[4] == 2;
        int[] headerFields = is64 ? new int[] {16, 24, 32, 40, 54, 56, 58, 60, 62} : new int[] {16, 24, 28, 32, 42,
                44, 46, 48, 50};
        long[] edges = {0, 1, 2, 0x7f, 0xff, 0xfeff, 0xff00, 0xffff, 0x10000, 0x7fffffffL, 0xffffffffL,
                Long.MAX_VALUE, -1L, base.length, base.length - 1, base.length + 1};
        for (int i = 0; i < count; i++) {
            byte[] b = base.clone();
            switch (random.nextInt(4)) {
                case 0 -> b = java.util.Arrays.copyOf(b, random.nextInt(Math.max(1, b.length)));
                case 1 -> {
                    int field = headerFields[random.nextInt(headerFields.length)];
                    long value = random.nextBoolean() ? edges[random.nextInt(edges.length)] : random.nextLong();
                    int width = field < 24 || (is64 ? field >= 52 : field >= 40) ? 2 : (is64 ? 8 : 4);
                    write(b, field, value, width, b[5] == 2);
                }
                default -> {
                    int flips = 1 + random.nextInt(16);
                    for (int f = 0; f < flips && b.length > 64; f++) {
                        int at = 64 + random.nextInt(b.length - 64);
                        b[at] = (byte) random.nextInt(256);
                    }
                }
            }
            out.put(name + "-m" + i, b);
        }
        return out;
    }

    private static void write(byte[] b, int at, long value, int width, boolean bigEndian) {
        for (int k = 0; k < width && at + k < b.length; k++) {
            int shift = bigEndian ? (width - 1 - k) * 8 : k * 8;
            b[at + k] = (byte) (value >>> shift);
        }
    }
}
