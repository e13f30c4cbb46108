package dev.vigil.clamav.cvd;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Packs the unpacked official daily/main databases in shared/ into .cld containers the way PROVENANCE.txt
 * describes (the .info header line as container header, then a plain tar with .info first), which checks the
 * .info DSIG against a real, production-signed file.
 */
class OfficialLocalDatabaseTest {
    private static final Pattern KNOWN = Pattern.compile("Known viruses: (\\d+)");

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"daily", "main"})
    void packedOfficialDatabaseVerifiesAndClamscanLoadsIt(String database) throws Exception {
        List<TarReader.Member> members = officialMembers(database);
        Path cld = Files.write(tmp.resolve(database + ".cld"), localContainer(members));

        CvdContainer container = CvdContainer.open(cld, true);

        assertThat(container.kind()).isEqualTo(CvdContainer.Kind.CLD);
        assertThat(container.entries()).extracting(CvdContainer.Entry::name)
                .containsExactlyElementsOf(members.stream().map(TarReader.Member::name)
                        .filter(name -> !name.endsWith(".info")).toList());
        Oracles.Result clamscan = Oracles.clamscanLoad(cld, tmp);
        assertThat(clamscan.exitCode()).as(clamscan.output()).isZero();
        Matcher known = KNOWN.matcher(clamscan.output());
        assertThat(known.find()).as(clamscan.output()).isTrue();
        assertThat(Integer.parseInt(known.group(1))).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"daily", "main"})
    void alteredOfficialFileIsRefused(String database) throws Exception {
        List<TarReader.Member> members = officialMembers(database);
        String victim = database + ".fp";
        byte[] altered = CvdContainerTest.contentOf(members, victim).clone();
        altered[altered.length / 2] ^= 0x01;
        Path cld = Files.write(tmp.resolve(database + ".cld"),
                localContainer(Containers.replace(members, victim, altered)));

        assertThatThrownBy(() -> CvdContainer.open(cld, true))
                .hasMessageContaining(victim + ": SHA-256 does not match " + database + ".info");
        Oracles.Result clamscan = Oracles.clamscanLoad(cld, tmp);
        assertThat(clamscan.exitCode()).isEqualTo(2);
        assertThat(clamscan.output()).contains("Invalid checksum for file " + victim);
    }

    /** {@code <db>.info} first, then every other {@code <db>.*} file of the shared folder, by name. */
    private static List<TarReader.Member> officialMembers(String database) throws Exception {
        Path folder = Containers.shared().resolve("signatures/clamav/official-daily-main");
        List<TarReader.Member> members = new ArrayList<>();
        members.add(new TarReader.Member(database + ".info",
                Files.readAllBytes(folder.resolve(database + ".info"))));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(database + ".") && !name.endsWith(".info")) {
                    members.add(new TarReader.Member(name, Files.readAllBytes(file)));
                }
            }
        }
        return members;
    }

    private static byte[] localContainer(List<TarReader.Member> members) {
        return Containers.container(Containers.firstLine(members.get(0).content()), Containers.tar(members));
    }
}
