package dev.vigil.clamav;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When signatures of several kinds match the same file, the order of the report decides the name a first-match scan
 * gives (and clamd's reply): clamscan reports body signatures, then whole-file hashes, then logical signatures.
 * Vigil must name the same signature first and list all-match detections in the same order, for every combination.
 */
class DetectionOrderTest {
    private static final byte[] DATA = "Vigil report-order test file: a body, a hash and a logical signature match it.\n"
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private List<Path> databases(String kinds) throws Exception {
        String hex = HexFormat.of().formatHex(DATA);
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(DATA));
        List<Path> out = new ArrayList<>();
        for (char k : kinds.toCharArray()) {
            Path db = switch (k) {
                case 'h' -> Files.writeString(dir.resolve("order.hdb"), md5 + ":" + DATA.length + ":Order.Hdb\n");
                case 'n' -> Files.writeString(dir.resolve("order.ndb"), "Order.Ndb:0:*:" + hex.substring(0, 40) + "\n");
                case 'l' -> Files.writeString(dir.resolve("order.ldb"), "Order.Ldb;Target:0;0;"
                        + hex.substring(20, 60) + "\n");
                default -> throw new IllegalArgumentException(String.valueOf(k));
            };
            out.add(db);
        }
        return out;
    }

    private static List<String> clamscan(List<Path> dbs, Path file, boolean allMatch) throws Exception {
        List<String> args = new ArrayList<>(List.of("--no-summary"));
        if (allMatch) {
            args.add("--allmatch");
        }
        for (Path db : dbs) {
            args.add("-d");
            args.add(db.toString());
        }
        args.add(file.toString());
        Clamscan.Result r = Clamscan.run(args);
        List<String> names = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            if (line.endsWith(" FOUND")) {
                names.add(line.substring(line.indexOf(": ") + 2, line.length() - " FOUND".length()));
            }
        }
        return names;
    }

    private static List<String> vigil(List<Path> dbs, Path file, boolean allMatch) throws Exception {
        EngineBuilder b = Engine.builder();
        ClamAvLoader loader = new ClamAvLoader(LoadOptions.DEFAULT);
        for (Path db : dbs) {
            loader.load(db, b);
        }
        return b.build().scan(file, ScanOptions.DEFAULT.withAllMatch(allMatch)).detections().stream()
                .map(Detection::name).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hn", "hl", "nl", "hnl", "lnh"})
    void sameOrderAsClamscan(String kinds) throws Exception {
        Clamscan.assumeAvailable();
        List<Path> dbs = databases(kinds);
        Path file = Files.write(dir.resolve("sample.txt"), DATA);
        for (boolean allMatch : new boolean[] {false, true}) {
            List<String> expected = clamscan(dbs, file, allMatch);
            assertThat(expected).as("clamscan must detect the sample").isNotEmpty();
            assertThat(vigil(dbs, file, allMatch)).as("%s, all-match %s", kinds, allMatch).isEqualTo(expected);
        }
    }
}
