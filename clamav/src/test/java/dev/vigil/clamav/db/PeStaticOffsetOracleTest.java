package dev.vigil.clamav.db;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.Clamscan;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.exe.ExecutableInfo;
import dev.vigil.engine.exe.Executables;
import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code SEx} signatures on PE files: plain-byte ones (ClamAV's Boyer-Moore path) against ones with a wildcard
 * (Aho-Corasick path), at a section's start and in its middle, compared with clamscan on ClamAV's test.exe and on a
 * prefix of it below the 256 KiB where ClamAV's Boyer-Moore matcher switches to start-only offsets.
 */
class PeStaticOffsetOracleTest {

    @Test
    void sectionOffsetsMatchLikeClamscan(@TempDir Path tmp) throws Exception {
        Clamscan.assumeAvailable();
        Path exe = Path.of(System.getProperty("vigil.shared", "../shared"),
                "conformance/clamav-unit-input/pe_allmatch/test.exe");
        Assumptions.assumeTrue(Files.isRegularFile(exe), "shared test.exe absent");
        byte[] full = Files.readAllBytes(exe);
        check(tmp.resolve("large"), full);
        check(tmp.resolve("small"), java.util.Arrays.copyOf(full, 200_000));
    }

    private static void check(Path tmp, byte[] data) throws Exception {
        Files.createDirectories(tmp);
        ExecutableInfo info = Executables.parse(ScanInput.of(data));
        StringBuilder db = new StringBuilder();
        for (int x = 0; x < info.sections().size(); x++) {
            Section s = info.sections().get(x);
            if (s.rawSize() < 4096) {
                continue;
            }
            for (long at : new long[] {s.rawOffset(), s.rawOffset() + s.rawSize() / 2 + 1}) {
                String hex = HexFormat.of().formatHex(data, (int) at, (int) at + 16);
                String where = at == s.rawOffset() ? "Start" : "Middle";
                db.append("Vigil.SE").append(x).append(where).append(".Plain:1:SE").append(x).append(':')
                        .append(hex).append('\n');
                db.append("Vigil.SE").append(x).append(where).append(".Wild:1:SE").append(x).append(':')
                        .append(hex, 0, 14).append("??").append(hex.substring(16)).append('\n');
            }
        }
        Path ndb = tmp.resolve("se.ndb");
        Files.writeString(ndb, db);
        Path copy = tmp.resolve("test.exe");
        Files.write(copy, data);

        Clamscan.Result r = Clamscan.run(List.of("--allmatch", "--no-summary", "-d", ndb.toString(),
                copy.toString()));
        Set<String> clam = new TreeSet<>();
        for (String line : r.output().split("\n")) {
            if (line.startsWith(copy + ": ") && line.endsWith(" FOUND")) {
                clam.add(line.substring(copy.toString().length() + 2, line.length() - " FOUND".length())
                        .replace(".UNOFFICIAL", ""));
            }
        }
        EngineBuilder builder = Engine.builder();
        new ClamAvLoader(LoadOptions.DEFAULT).load(ndb, builder);
        Set<String> vigil = new TreeSet<>();
        for (Detection d : builder.build().scan(data, ScanOptions.DEFAULT.withAllMatch(true)).detections()) {
            vigil.add(d.name().replace(".UNOFFICIAL", ""));
        }
        assertThat(clam).as("clamscan output: %s", r.output()).isNotEmpty();
        assertThat(vigil).isEqualTo(clam);
    }
}
