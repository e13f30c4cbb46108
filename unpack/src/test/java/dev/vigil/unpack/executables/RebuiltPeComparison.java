package dev.vigil.unpack.executables;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpacker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comparison with clamscan for packers whose output ClamAV rebuilds into a PE (FSG, NsPack): packed samples
 * built by a test, one body signature on a marker that is only visible unpacked. clamscan and Vigil must give the
 * same verdict, neither may detect the packed bytes, and where clamscan leaves a rebuilt file Vigil's unpacker must
 * give one child of the same size and the same bytes after the headers each writes itself.
 */
final class RebuiltPeComparison {
    /** The part of a rebuilt PE that each engine writes its own way (DOS, PE and section headers). */
    static final int OWN_HEADER = 0x148;

    private RebuiltPeComparison() {
    }

    /**
     * @param dir        a temporary directory for the samples and clamscan's files
     * @param clamLogName the packer's name in clamscan's debug line "cli_scanpe: NAME: Unpacked and rebuilt ..."
     */
    static void compare(Path dir, String signatureName, String marker, Map<String, byte[]> samples, Unpacker unpacker,
                        String clamLogName) throws Exception {
        Path db = dir.resolve("marker.ndb");
        Files.writeString(db, signatureName + ":0:*:"
                + HexFormat.of().formatHex(marker.getBytes(StandardCharsets.US_ASCII)) + "\n");
        EngineBuilder builder = Engine.builder();
        new ClamAvLoader(LoadOptions.DEFAULT).load(db, builder);
        Engine engine = builder.build();
        Map<String, Path> files = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : samples.entrySet()) {
            files.put(e.getKey(), Files.write(dir.resolve(e.getKey() + ".exe"), e.getValue()));
        }
        Map<Path, Boolean> clamscan = ClamavTestFiles.clamscan(db, new ArrayList<>(files.values()));
        int width = samples.keySet().stream().mapToInt(String::length).max().orElse(0);
        int found = 0;
        List<String> table = new ArrayList<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            byte[] bytes = samples.get(e.getKey());
            String ours = new RecursiveTestScanner(engine, UnpackLimits.DEFAULT).scan(e.getKey(), bytes);
            boolean theirs = clamscan.get(e.getValue());
            byte[] clamRebuilt = ClamavTestFiles.clamscanRebuilt(db, e.getValue(), clamLogName,
                    Files.createDirectories(dir.resolve("clamtmp-" + e.getValue().getFileName())));
            table.add(String.format("%-" + width + "s  clamscan %-5s rebuilt %-5s vigil %s", e.getKey(),
                    theirs ? "FOUND" : "OK", clamRebuilt != null, ours));
            assertThat(ours != null).as("%s: vigil %s, clamscan %s", e.getKey(), ours, theirs).isEqualTo(theirs);
            assertThat(engine.scan(bytes).infected()).as("%s packed", e.getKey()).isFalse();
            found += theirs ? 1 : 0;
            CollectingSink sink = new CollectingSink();
            unpacker.unpack(ScanInput.of(bytes), sink);
            assertThat(sink.data.size()).as("%s: unpacked by both or by neither", e.getKey())
                    .isEqualTo(clamRebuilt == null ? 0 : 1);
            if (clamRebuilt != null) {
                byte[] mine = sink.data.getFirst();
                assertThat(mine.length).as("%s: size", e.getKey()).isEqualTo(clamRebuilt.length);
                assertThat(Arrays.copyOfRange(mine, OWN_HEADER, mine.length)).as("%s: after the header", e.getKey())
                        .isEqualTo(Arrays.copyOfRange(clamRebuilt, OWN_HEADER, clamRebuilt.length));
            }
        }
        System.out.println(clamLogName + " samples (clamscan / vigil):\n  " + String.join("\n  ", table));
        assertThat(found).as("clamscan unpacks the %s samples it is given, so the comparison covers %s",
                clamLogName, clamLogName).isPositive();
    }
}
