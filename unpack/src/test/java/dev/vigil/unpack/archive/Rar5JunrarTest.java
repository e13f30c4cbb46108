package dev.vigil.unpack.archive;

import dev.vigil.unpack.UnpackLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** RAR5 through junrar: solid chains, Vigil's walk in front of it, and what the walk keeps in memory. */
@Timeout(120)
class Rar5JunrarTest {
    /**
     * A solid entry the sink stops reading early is still decoded to its end, because the next entries continue
     * its dictionary: they come out as when every entry is read whole.
     */
    @Test
    void solidChainSurvivesAnEntryReadOnlyInPart() throws Exception {
        byte[] rar = LibarchiveRarSamples.all().get("test_read_format_rar5_solid.rar");
        RarSampleExtraction whole = RarSampleExtraction.of(rar);
        RarSampleExtraction partly = RarSampleExtraction.of(rar, UnpackLimits.DEFAULT, "test1.bin");
        assertThat(whole.problems()).as(whole.toString()).isFalse();
        assertThat(partly.problems()).as(partly.toString()).isFalse();
        assertThat(whole.entries).hasSize(7);
        List<String> after = whole.entries.stream().filter(e -> !e.startsWith("test1.bin ")).toList();
        assertThat(partly.entries).containsAll(after).hasSize(7)
                .anySatisfy(e -> assertThat(e).startsWith("test1.bin (first 10 bytes)"));
    }

    /**
     * A solid RAR5 archive cut anywhere: never an exception or a hang; either a problem is reported or the cut left
     * every entry whole (only the end-of-archive block missing). Entries before the cut come out as in the whole
     * archive.
     */
    @Test
    void truncatedSolidArchiveAlwaysEndsWithAClearResult() throws Exception {
        byte[] rar = LibarchiveRarSamples.all().get("test_read_format_rar5_solid.rar");
        RarSampleExtraction whole = RarSampleExtraction.of(rar);
        for (int n = 0; n < rar.length; n += 7) {
            RarSampleExtraction cut = RarSampleExtraction.of(Arrays.copyOf(rar, n));
            if (!cut.problems()) {
                assertThat(cut.entries).as("cut at " + n).isEqualTo(whole.entries);
            }
            // An entry cut short may be scanned in part (what was decoded), and is then reported.
            for (String e : cut.entries) {
                if (!whole.entries.contains(e)) {
                    assertThat(cut.errors).as("cut at " + n + ": " + e).isNotEmpty();
                }
            }
        }
    }

    /** A compressed entry behind a block the walk refuses is never handed to junrar; what came before is kept. */
    @Test
    void junrarNeverSeesWhatTheWalkRefused() throws Exception {
        LibarchiveRarSamples.PackedEntry e = LibarchiveRarSamples.firstRar5File(
                LibarchiveRarSamples.all().get("test_read_format_rar5_compressed.rar"));
        byte[] good = new RarWriter.Rar5().main(0).compressed("a.bin", e.packed(), e.compressionInfo(),
                e.unpackedSize()).bytes();
        byte[] second = new RarWriter.Rar5().compressed("b.bin", e.packed(), e.compressionInfo(), e.unpackedSize())
                .end().bytes();
        byte[] rar = new byte[good.length + second.length - 8];
        System.arraycopy(good, 0, rar, 0, good.length);
        System.arraycopy(second, 8, rar, good.length, second.length - 8);
        rar[good.length + 4 + 1 + 10] ^= 0x20; // inside b.bin's header: its CRC32 no longer matches
        RarSampleExtraction x = RarSampleExtraction.of(rar);
        assertThat(x.entries).hasSize(1).allSatisfy(n -> assertThat(n).startsWith("a.bin "));
        assertThat(x.errors).anySatisfy(m -> assertThat(m).contains("header CRC32 mismatch"));
    }

    /** Names of up to 2 MiB each: the walk stops once the headers it kept pass 64 MiB, before memory does. */
    @Test
    void headersAreKeptUpToABudget() throws Exception {
        RarWriter.Rar5 w = new RarWriter.Rar5().main(0);
        char[] longName = new char[2_000_000];
        for (int i = 0; i < 40; i++) {
            Arrays.fill(longName, (char) ('a' + i % 26));
            w.stored(new String(longName) + i, "x".getBytes(StandardCharsets.US_ASCII));
        }
        RarSampleExtraction x = RarSampleExtraction.of(w.end().bytes());
        assertThat(x.entries).hasSizeBetween(30, 34);
        assertThat(x.errors).singleElement().satisfies(m -> assertThat(m).contains("headers take more than"));
    }
}
