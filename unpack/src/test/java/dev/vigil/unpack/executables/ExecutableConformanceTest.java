package dev.vigil.unpack.executables;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.unpack.UnpackLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ClamAV's own test files for the formats of this package, scanned with ClamAV's {@code clamav.hdb} by clamscan and
 * by Vigil (engine + these unpackers, recursively). Where Vigil has an unpacker the verdicts must agree; for the
 * formats not done yet Vigil must at least never detect what clamscan does not. Prints the ladder.
 */
class ExecutableConformanceTest {
    /** Files whose format this package unpacks (or, for RAR, that clamscan here cannot read either). */
    private static final Set<String> SUPPORTED = Set.of("clam.exe", "clam-upx.exe", "clam-fsg.exe", "clam.cab",
            "clam.exe.szdd", "clam.iso", "clamjol.iso", "clam.sis", "clam-nsis.exe", "clam.ea05.exe", "clam.ea06.exe",
            "clam_ISmsi_ext.exe", "clam-yc.exe", "clam-wwpack.exe", "clam-petite.exe",
            "clam-aspack.exe", "clam-pespin.exe", "clam-mew.exe", "clam-upack.exe", "clam-v2.rar", "clam-v3.rar",
            "clam_IScab_ext.exe", "clam_IScab_int.exe", "clam.chm");
    private static final List<String> NOT_YET = List.of(
            // the MSI inside needs the OLE2 unpacker (another package), which this test does not run
            "clam_ISmsi_int.exe");

    @TempDir
    Path dir;

    @Test
    void verdictsMatchClamscan() throws Exception {
        ClamavTestFiles.assumeClamscan();
        Path db = ClamavTestFiles.database();
        EngineBuilder builder = Engine.builder();
        new ClamAvLoader(LoadOptions.DEFAULT).load(db, builder);
        Engine engine = builder.build();

        List<Path> files = new ArrayList<>();
        List<String> names = new ArrayList<>(SUPPORTED.stream().sorted().toList());
        names.addAll(NOT_YET);
        for (String name : names) {
            Path p = ClamavTestFiles.decoded(name, dir);
            if (p != null) {
                files.add(p);
            }
            Path debian = ClamavTestFiles.DEBIAN.resolve(name);
            if (Files.isRegularFile(debian)) {
                files.add(debian);
            }
        }
        assertThat(files).isNotEmpty();
        Map<Path, Boolean> reference = ClamavTestFiles.clamscan(db, files);

        List<String> disagreements = new ArrayList<>();
        StringBuilder ladder = new StringBuilder("format ladder (file: clamscan / vigil)\n");
        for (Path f : files) {
            RecursiveTestScanner scanner = new RecursiveTestScanner(engine, UnpackLimits.DEFAULT);
            String found = scanner.scan(f.getFileName().toString(), Files.readAllBytes(f));
            boolean ours = found != null;
            boolean theirs = reference.get(f);
            String name = f.getFileName().toString();
            ladder.append(String.format("  %-26s %-6s %-6s %s%n", f.startsWith(dir) ? name : "debian/" + name,
                    theirs ? "FOUND" : "OK", ours ? "FOUND" : "OK", found == null ? scanner.errors : found));
            if (SUPPORTED.contains(name) ? ours != theirs : ours && !theirs) {
                disagreements.add(f + ": clamscan " + theirs + ", vigil " + found + " " + scanner.errors);
            }
        }
        System.out.print(ladder);
        assertThat(disagreements).isEmpty();
    }
}
