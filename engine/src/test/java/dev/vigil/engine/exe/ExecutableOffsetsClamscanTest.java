package dev.vigil.engine.exe;

import dev.vigil.engine.io.FileInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test of entry point and section offsets against clamscan. For real and synthetic executables it writes
 * ndb signatures at {@code EP+0}, {@code Sx+0}, {@code SL+0} and {@code SEx} holding the bytes the parser says are
 * there (plus deliberately shifted ones), predicts for every signature and every file whether it matches under
 * ClamAV's offset rules and the parsed headers, and requires clamscan to report exactly those matches.
 */
class ExecutableOffsetsClamscanTest {
    private static final int PATTERN_LENGTH = 12;

    record Sig(String name, int target, String offset, byte[] bytes, int wildcard) {
        String line() {
            String hex = HexFormat.of().formatHex(bytes);
            if (wildcard >= 0) {
                hex = hex.substring(0, wildcard * 2) + "??" + hex.substring(wildcard * 2 + 2);
            }
            return name + ":" + target + ":" + offset + ":" + hex;
        }

        boolean matchesAt(byte[] data, long start) {
            if (start < 0 || start + bytes.length > data.length) {
                return false;
            }
            for (int i = 0; i < bytes.length; i++) {
                if (i != wildcard && data[(int) start + i] != bytes[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    @Test
    void offsetsAgreeWithClamscan(@TempDir Path tmp) throws Exception {
        ClamscanOracle.assumePresent();
        List<Path> samples = new ArrayList<>(realSamples());
        samples.addAll(SyntheticExecutables.writeAll(tmp.resolve("synthetic")));

        Map<Path, ExecutableInfo> infos = new LinkedHashMap<>();
        Map<Path, byte[]> contents = new LinkedHashMap<>();
        List<Sig> sigs = new ArrayList<>();
        int parsed = 0;
        for (Path p : samples) {
            byte[] data = Files.readAllBytes(p);
            ExecutableInfo info;
            try (FileInput in = FileInput.open(p)) {
                info = Executables.parse(in);
            }
            contents.put(p, data);
            infos.put(p, info);
            if (info != null) {
                parsed++;
                sigs.addAll(signaturesFor("F" + sigs.size(), info, data));
            }
        }
        assertThat(parsed).as("parsable samples").isGreaterThan(10);

        Path db = tmp.resolve("offsets.ndb");
        Files.write(db, sigs.stream().map(Sig::line).toList());
        Map<Path, Set<String>> actual = ClamscanOracle.scan(db, samples);

        int expectedMatches = 0;
        Map<Path, Set<String>> expected = new LinkedHashMap<>();
        for (Path p : samples) {
            Set<String> names = new TreeSet<>();
            for (Sig s : sigs) {
                if (predicted(s, infos.get(p), contents.get(p))) {
                    names.add(s.name());
                }
            }
            expectedMatches += names.size();
            expected.put(p, names);
        }
        List<String> differences = new ArrayList<>();
        for (Path p : samples) {
            Set<String> got = new TreeSet<>(actual.getOrDefault(p, Set.of()));
            Set<String> want = expected.get(p);
            Set<String> missing = new TreeSet<>(want);
            missing.removeAll(got);
            Set<String> extra = new TreeSet<>(got);
            extra.removeAll(want);
            if (unpacksIntoChildren(p)) {
                // clamscan also scans what it unpacks from these with the same signatures; only misses count.
                extra.clear();
            }
            if (!missing.isEmpty() || !extra.isEmpty()) {
                differences.add(p.getFileName() + " (" + describe(infos.get(p)) + "): clamscan lacks " + missing
                        + ", clamscan adds " + extra);
            }
        }
        assertThat(expectedMatches).as("predicted matches").isGreaterThan(sigs.size() / 3);
        System.out.printf("exe offsets: %d samples, %d parsed, %d signatures (%d VI), %d predicted matches%n",
                samples.size(), parsed, sigs.size(), sigs.stream().filter(g -> g.offset().equals("VI")).count(),
                expectedMatches);
        assertThat(differences).isEmpty();
    }

    /** The packed and installer copies of clam.exe from clamav-testfiles: their children are scanned too. */
    private static boolean unpacksIntoChildren(Path p) {
        return p.startsWith("/usr/share/clamav-testfiles") && !p.getFileName().toString().equals("clam.exe");
    }

    private static String describe(ExecutableInfo info) {
        if (info == null) {
            return "unparsed";
        }
        StringBuilder sb = new StringBuilder(info.format() + " ep=" + info.entryPoint());
        for (Section s : info.sections()) {
            sb.append(' ').append(s.rawOffset()).append('+').append(s.rawSize());
        }
        return sb.toString();
    }

    static List<Path> realSamples() throws IOException {
        List<Path> out = new ArrayList<>();
        out.addAll(regularFiles(Path.of("/usr/bin"), "", 30));
        out.addAll(regularFiles(Path.of("/usr/lib/x86_64-linux-gnu"), ".so", 10));
        out.addAll(regularFiles(Path.of("/usr/share/clamav-testfiles"), ".exe", 20));
        Path shared = Path.of(System.getProperty("vigil.shared", "../shared"));
        Path testExe = shared.resolve("conformance/clamav-unit-input/pe_allmatch/test.exe");
        if (Files.isRegularFile(testExe)) {
            out.add(testExe);
        }
        Path macho = Path.of("/usr/lib/google-cloud-sdk/platform/google_appengine/google/appengine/tools/java/"
                + "jetty94/jetty-home/lib/setuid/libsetuid-osx.so");
        if (Files.isRegularFile(macho)) {
            out.add(macho);
        }
        return out;
    }

    private static List<Path> regularFiles(Path dir, String suffix, int limit) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .filter(p -> p.getFileName().toString().endsWith(suffix))
                    .filter(p -> {
                        try {
                            return Files.size(p) > 0 && Files.size(p) < (8 << 20) && Files.isReadable(p);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .sorted().limit(limit).toList();
        }
    }

    static int target(ExecutableInfo info) {
        return switch (info.format()) {
            case PE -> 1;
            case ELF -> 6;
            case MACHO -> 9;
        };
    }

    static List<Sig> signaturesFor(String prefix, ExecutableInfo info, byte[] data) {
        List<Sig> out = new ArrayList<>();
        int t = target(info);
        addFixed(out, prefix + ".EP", t, "EP+0", data, info.entryPoint(), -1);
        addFixed(out, prefix + ".EPshift", t, "EP+1", data, info.entryPoint(), -1);
        List<Section> sections = info.sections();
        for (int x = 0; x < sections.size(); x++) {
            Section s = sections.get(x);
            if (x == 0 || x == sections.size() / 2 || s.rawSize() >= 64 && out.size() < 24) {
                addFixed(out, prefix + ".S" + x, t, "S" + x + "+0", data, s.rawOffset(), -1);
            }
            if (s.rawSize() >= 4 * PATTERN_LENGTH && (x == 1 || x == sections.size() - 1 || x == sections.size() / 2)) {
                addFixed(out, prefix + ".SE" + x + "mid", t, "SE" + x, data, s.rawOffset() + s.rawSize() / 2, 5);
                // Starts exactly one past the section: ClamAV's window includes that position.
                addFixed(out, prefix + ".SE" + x + "end", t, "SE" + x, data, s.rawOffset() + s.rawSize(), 5);
                addFixed(out, prefix + ".SE" + x + "before", t, "SE" + x, data, s.rawOffset() - 1, 5);
            }
        }
        if (!sections.isEmpty()) {
            addFixed(out, prefix + ".SL", t, "SL+0", data, sections.get(sections.size() - 1).rawOffset(), -1);
        }
        long[] vi = info.versionInfoOffsets();
        for (int k = 0; k < vi.length; k += Math.max(1, vi.length / 3)) {
            addFixed(out, prefix + ".VI" + k, t, "VI", data, vi[k], -1);
            addFixed(out, prefix + ".VI" + k + "shift", t, "VI", data, vi[k] + 2, -1);
        }
        return out;
    }

    private static void addFixed(List<Sig> out, String name, int target, String offset, byte[] data, long at,
                                 int wildcard) {
        if (at < 0 || at + PATTERN_LENGTH > data.length) {
            return;
        }
        byte[] bytes = java.util.Arrays.copyOfRange(data, (int) at, (int) at + PATTERN_LENGTH);
        long distinct = java.util.stream.IntStream.range(0, bytes.length).map(i -> bytes[i])
                .filter(b -> b != 0).distinct().count();
        if (distinct < 4) {
            return; // ClamAV needs static non-zero anchors; keep the probes unambiguous.
        }
        out.add(new Sig(name, target, offset, bytes, wildcard));
    }

    /** Whether ClamAV should report {@code s} on this file, given the parsed headers. */
    static boolean predicted(Sig s, ExecutableInfo info, byte[] data) {
        if (info == null || target(info) != s.target()) {
            return false;
        }
        String off = s.offset();
        if (off.equals("VI")) {
            for (long start : info.versionInfoOffsets()) {
                if (s.matchesAt(data, start)) {
                    return true;
                }
            }
            return false;
        }
        if (off.startsWith("SE")) {
            int x = Integer.parseInt(off.substring(2));
            if (x >= info.sections().size()) {
                return false;
            }
            Section sec = info.sections().get(x);
            for (long start = sec.rawOffset(); start <= sec.rawOffset() + sec.rawSize(); start++) {
                if (s.matchesAt(data, start)) {
                    return true;
                }
            }
            return false;
        }
        long base;
        if (off.startsWith("EP+")) {
            base = info.entryPoint() + Long.parseLong(off.substring(3));
        } else if (off.startsWith("SL+")) {
            if (info.sections().isEmpty()) {
                return false;
            }
            base = info.sections().get(info.sections().size() - 1).rawOffset() + Long.parseLong(off.substring(3));
        } else {
            int plus = off.indexOf('+');
            int x = Integer.parseInt(off.substring(1, plus));
            if (x >= info.sections().size()) {
                return false;
            }
            base = info.sections().get(x).rawOffset() + Long.parseLong(off.substring(plus + 1));
        }
        return s.matchesAt(data, base);
    }
}
