package dev.vigil.unpack;

import dev.vigil.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Container-metadata signatures ({@code .cdb}) on containers built by the test, whose contents match nothing else:
 * what clamscan reports (--allmatch) Vigil must report, file by file.
 */
class ContainerMetadataTest {

    @Test
    void detectionsAreClamscans(@TempDir Path dir) throws Exception {
        Clamscan.assume();
        Path db = dir.resolve("meta.cdb");
        Files.writeString(db, String.join("\n",
                "Test.CdbZipName:CL_TYPE_ZIP:*:eicar\\.com$:*:*:*:*:*:*",
                "Test.CdbRealSize:*:*:*:*:11:*:*:*:*",
                "Test.CdbSecond:CL_TYPE_ZIP:*:*:*:*:*:2:*:*",
                "Test.CdbBigZip:CL_TYPE_ZIP:300-0:*:*:*:*:*:*:*",
                "Test.Cdb7z:CL_TYPE_7Z:*:\\.txt$:*:*:*:*:*:*",
                "Test.CdbTarDir:CL_TYPE_POSIX_TAR:*:^dir/:*:*:*:*:*:*",
                "Test.CdbCpio:CL_TYPE_CPIO_NEWC:*:*:*:*:*:1:*:*",
                "Test.CdbStored:CL_TYPE_ZIP:*:*:5:*:0:*:*:*",
                "Test.CdbClass:CL_TYPE_ZIP:*:[0-9]\\.bin$:*:*:*:*:*:*") + "\n");
        byte[] hello = "hello world".getBytes(StandardCharsets.US_ASCII);
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("name.zip", Containers.zip("sub/eicar.com", hello));
        Map<String, byte[]> two = new LinkedHashMap<>();
        two.put("a.txt", "short".getBytes(StandardCharsets.US_ASCII));
        two.put("b7.bin", new byte[400]);
        cases.put("two-stored.zip", Containers.zip(two, true));
        cases.put("two-deflated.zip", Containers.zip(two, false));
        cases.put("text.7z", Containers.sevenZip("notes.txt", hello));
        cases.put("dir.tar", Containers.tar("dir/file", "abc".getBytes(StandardCharsets.US_ASCII)));
        cases.put("one.cpio", Containers.cpio("x", "abc".getBytes(StandardCharsets.US_ASCII)));
        cases.put("zip-in-tar.tar", Containers.tar("inner.zip", Containers.zip("eicar.com", hello)));
        List<String> args = new ArrayList<>(List.of("--no-summary", "--allmatch", "-d", db.toString()));
        for (var e : cases.entrySet()) {
            args.add(Files.write(dir.resolve(e.getKey()), e.getValue()).toString());
        }
        Map<String, List<String>> reference = Clamscan.verdicts(Clamscan.run(args));

        Engine engine = TestData.engine(db);
        RecursiveScanner scanner = new RecursiveScanner(engine, Unpackers.defaults(), UnpackLimits.DEFAULT);
        Map<String, List<String>> expected = new LinkedHashMap<>();
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (String name : cases.keySet()) {
            Path f = dir.resolve(name);
            expected.put(name, reference.getOrDefault(f.toString(), List.of()).stream().distinct().sorted().toList());
            actual.put(name, scanner.scan(f, DeepScanOptions.DEFAULT.withAllMatch(true)).detections().stream()
                    .map(DeepDetection::name).distinct().sorted().toList());
        }
        assertThat(actual).isEqualTo(expected);
        assertThat(expected.values().stream().flatMap(List::stream).distinct().count())
                .as("signatures exercised").isGreaterThanOrEqualTo(6);
    }
}
