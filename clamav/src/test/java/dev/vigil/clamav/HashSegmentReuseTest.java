package dev.vigil.clamav;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A load that takes over the hash segments of unchanged files ({@link ClamAvLoader#reuseHashSegments}) gives the
 * results of a load from scratch, and parses again exactly the files whose signatures could differ: changed content,
 * another name, other load options, ignore entries that now name one of its signatures or that dropped one of them
 * and are gone.
 */
class HashSegmentReuseTest {
    private static final int SAMPLES = 10;

    private static byte[] sample(int i) {
        return ("hash segment reuse sample " + i).getBytes(StandardCharsets.US_ASCII);
    }

    private static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    private static String hdbLine(int sample, String name) throws Exception {
        return hex("MD5", sample(sample)) + ":" + sample(sample).length + ":" + name + "\n";
    }

    private static String hsbLine(int sample, String name) throws Exception {
        return hex("SHA-256", sample(sample)) + ":" + sample(sample).length + ":" + name + "\n";
    }

    /** Three hash files, an allow-list and a body database; samples 0 and 4 are in two files each. */
    private static Path database(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("a.hdb"), hdbLine(0, "Reuse.A0") + hdbLine(1, "Reuse.A1")
                + hdbLine(2, "Odd.Name (Clam)") + hdbLine(3, "Clause.Sig.{x}") + hdbLine(6, "Reuse.Allowed")
                + hex("MD5", sample(7)) + ":" + sample(7).length + ":Reuse.Level:300\n");
        Files.writeString(dir.resolve("b.hsb"), hsbLine(4, "Reuse.B4") + hsbLine(0, "Reuse.B0")
                + hex("SHA-256", sample(5)) + ":*:Reuse.AnySize:73\n");
        Files.writeString(dir.resolve("c.hdb"), hdbLine(4, "Reuse.C4") + hdbLine(8, "Reuse.C8"));
        Files.writeString(dir.resolve("d.fp"), hdbLine(6, "Allowed"));
        Files.writeString(dir.resolve("e.ndb"), "Reuse.Body:0:*:" + HexFormat.of().formatHex(
                "sample 9".getBytes(StandardCharsets.US_ASCII)) + "\n");
        return dir;
    }

    private record Loaded(Engine engine, HashSegmentCache segments, int count) {
    }

    private static Loaded load(Path dir, LoadOptions options, HashSegmentCache previous) throws Exception {
        EngineBuilder builder = Engine.builder();
        ClamAvLoader loader = new ClamAvLoader(options).reuseHashSegments(previous);
        int count = loader.load(dir, builder);
        return new Loaded(builder.build(), loader.hashSegments(), count);
    }

    /** A sample's detections in all-match mode. */
    private static List<String> names(Loaded loaded, int sample) {
        return loaded.engine().scan(sample(sample), ScanOptions.DEFAULT.withAllMatch(true)).detections().stream()
                .map(Detection::name).toList();
    }

    /** Every sample's detections in all-match and first-match mode. */
    private static List<String> results(Engine engine) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            for (boolean all : new boolean[]{true, false}) {
                out.add(i + (all ? " all: " : " first: ") + engine.scan(sample(i), ScanOptions.DEFAULT.withAllMatch(all))
                        .detections().stream().map(Detection::name).toList());
            }
        }
        return out;
    }

    /** Loads {@code dir} reusing {@code previous}'s segments, checks it against a load from scratch, returns it. */
    private static Loaded reloadMatchesFresh(Path dir, LoadOptions options, Loaded previous) throws Exception {
        Loaded reused = load(dir, options, previous.segments());
        Loaded fresh = load(dir, options, HashSegmentCache.EMPTY);
        assertThat(results(reused.engine())).isEqualTo(results(fresh.engine()));
        assertThat(reused.count()).isEqualTo(fresh.count());
        assertThat(reused.engine().signatureCount()).isEqualTo(fresh.engine().signatureCount());
        return reused;
    }

    @Test
    void unchangedFilesAreTakenOver(@TempDir Path tmp) throws Exception {
        Path dir = database(tmp.resolve("db"));
        Loaded first = load(dir, LoadOptions.DEFAULT, HashSegmentCache.EMPTY);
        assertThat(first.segments().parsedFiles()).isEqualTo(4);
        assertThat(names(first, 0)).containsExactlyInAnyOrder("Reuse.A0.UNOFFICIAL", "Reuse.B0.UNOFFICIAL");
        assertThat(names(first, 4)).containsExactlyInAnyOrder("Reuse.B4.UNOFFICIAL", "Reuse.C4.UNOFFICIAL");
        assertThat(names(first, 6)).isEmpty();
        Loaded second = reloadMatchesFresh(dir, LoadOptions.DEFAULT, first);
        assertThat(second.segments().reusedFiles()).isEqualTo(4);
        assertThat(second.segments().parsedFiles()).isZero();
        // and again from the segments the reuse recorded
        Loaded third = reloadMatchesFresh(dir, LoadOptions.DEFAULT, second);
        assertThat(third.segments().reusedFiles()).isEqualTo(4);
    }

    @Test
    void changedContentIsParsed(@TempDir Path tmp) throws Exception {
        Path dir = database(tmp.resolve("db"));
        Loaded first = load(dir, LoadOptions.DEFAULT, HashSegmentCache.EMPTY);
        Files.writeString(dir.resolve("b.hsb"), hsbLine(8, "Reuse.B8"), StandardOpenOption.APPEND);
        Loaded second = reloadMatchesFresh(dir, LoadOptions.DEFAULT, first);
        assertThat(second.segments().parsedFiles()).isEqualTo(1);
        assertThat(second.segments().reusedFiles()).isEqualTo(3);
        assertThat(names(second, 8)).containsExactlyInAnyOrder("Reuse.B8.UNOFFICIAL", "Reuse.C8.UNOFFICIAL");
        assertThat(names(second, 0)).containsExactlyInAnyOrder("Reuse.A0.UNOFFICIAL", "Reuse.B0.UNOFFICIAL");
    }

    @Test
    void anotherNameIsParsed(@TempDir Path tmp) throws Exception {
        Path dir = database(tmp.resolve("db"));
        Loaded first = load(dir, LoadOptions.DEFAULT, HashSegmentCache.EMPTY);
        // same content, but .hsb read as .hdb: another reader mode, another result
        Files.move(dir.resolve("c.hdb"), dir.resolve("c.hsb"));
        Files.move(dir.resolve("a.hdb"), dir.resolve("z.hdb"));
        Loaded second = reloadMatchesFresh(dir, LoadOptions.DEFAULT, first);
        assertThat(second.segments().parsedFiles()).isEqualTo(2);
        assertThat(second.segments().reusedFiles()).isEqualTo(2);
    }

    @Test
    void otherLoadOptionsAreParsed(@TempDir Path tmp) throws Exception {
        Path dir = database(tmp.resolve("db"));
        Loaded first = load(dir, LoadOptions.DEFAULT, HashSegmentCache.EMPTY);
        LoadOptions higherLevel = new LoadOptions(false, 400, true);
        Loaded second = reloadMatchesFresh(dir, higherLevel, first);
        assertThat(second.segments().parsedFiles()).isEqualTo(4);
        assertThat(names(second, 7)).containsExactly("Reuse.Level.UNOFFICIAL");
        Loaded third = reloadMatchesFresh(dir, LoadOptions.DEFAULT.withDetectPua(true), second);
        assertThat(third.segments().parsedFiles()).isEqualTo(4);
    }

    @Test
    void ignoreEntryNamingASignatureOfAFileMakesItParsed(@TempDir Path tmp) throws Exception {
        Path dir = database(tmp.resolve("db"));
        Loaded previous = load(dir, LoadOptions.DEFAULT, HashSegmentCache.EMPTY);
        // entries as written in the database (raw names whose display differs) and as displayed
        for (String entry : List.of("Reuse.A1", "Odd.Name (Clam)", "Clause.Sig", "Reuse.C8")) {
            Files.writeString(dir.resolve("local.ign2"), entry + "\n");
            Loaded next = reloadMatchesFresh(dir, LoadOptions.DEFAULT, previous);
            assertThat(next.segments().parsedFiles()).as(entry).isEqualTo(1);
            assertThat(next.segments().reusedFiles()).as(entry).isEqualTo(3);
            Files.delete(dir.resolve("local.ign2"));
            // the file parsed with the entry recorded that it dropped a signature: without the entry, parsed again
            Loaded back = reloadMatchesFresh(dir, LoadOptions.DEFAULT, next);
            assertThat(back.segments().parsedFiles()).as(entry).isEqualTo(1);
            previous = back;
        }
    }

    @Test
    void ignoreEntryWithTheLineDigestMakesItParsed(@TempDir Path tmp) throws Exception {
        Path dir = database(tmp.resolve("db"));
        Loaded first = load(dir, LoadOptions.DEFAULT, HashSegmentCache.EMPTY);
        String line = hsbLine(4, "Reuse.B4").trim();
        Files.writeString(dir.resolve("local.ign2"), "Reuse.B4:" + hex("MD5", line.getBytes(StandardCharsets.US_ASCII)) + "\n");
        Loaded second = reloadMatchesFresh(dir, LoadOptions.DEFAULT, first);
        assertThat(second.segments().parsedFiles()).isEqualTo(1);
        assertThat(names(second, 4)).containsExactly("Reuse.C4.UNOFFICIAL");
    }

    @Test
    void ignoreEntriesNamingNothingInAFileLeaveItTakenOver(@TempDir Path tmp) throws Exception {
        Path dir = database(tmp.resolve("db"));
        Files.writeString(dir.resolve("local.ign2"), "Reuse.A1\n");
        Loaded first = load(dir, LoadOptions.DEFAULT, HashSegmentCache.EMPTY);
        assertThat(names(first, 1)).isEmpty();
        // a daily update adds entries for other signatures: every file is taken over, a.hdb too, whose own
        // entry is still there
        Files.writeString(dir.resolve("local.ign2"), "Reuse.A1\nNot.In.Any.File\nReuse.Body\n");
        Loaded second = reloadMatchesFresh(dir, LoadOptions.DEFAULT, first);
        assertThat(second.segments().reusedFiles()).isEqualTo(4);
        assertThat(second.segments().parsedFiles()).isZero();
        assertThat(names(second, 1)).isEmpty();
    }

    @Test
    void containerMembersAreTakenOverByTheirListedDigest(@TempDir Path tmp) throws Exception {
        String shared = System.getProperty("vigil.shared", "../../shared");
        Path cvd5 = Path.of(shared, "signatures/clamav/test-cvd/test-5.cvd");
        Path cvd6 = Path.of(shared, "signatures/clamav/test-cvd/test-6.cvd");
        assumeTrue(Files.isRegularFile(cvd5) && Files.isRegularFile(cvd6), "shared test containers");
        Path dir = Files.createDirectories(tmp.resolve("db"));
        Files.copy(cvd5, dir.resolve("test.cvd"));
        Loaded first = load(dir, LoadOptions.DEFAULT, HashSegmentCache.EMPTY);
        int members = first.segments().parsedFiles();
        assertThat(members).isPositive();
        Loaded same = reloadMatchesFresh(dir, LoadOptions.DEFAULT, first);
        assertThat(same.segments().reusedFiles()).isEqualTo(members);
        // version 6 changes test.ndb only: a new container whose hash members are all taken over
        Files.copy(cvd6, dir.resolve("test.cvd"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Loaded updated = reloadMatchesFresh(dir, LoadOptions.DEFAULT, same);
        assertThat(updated.segments().reusedFiles()).isEqualTo(members);
        assertThat(updated.segments().parsedFiles()).isZero();
    }
}
