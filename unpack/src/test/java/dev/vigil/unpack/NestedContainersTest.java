package dev.vigil.unpack;

import dev.vigil.engine.Engine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.vigil.unpack.Containers.bzip2;
import static dev.vigil.unpack.Containers.gzip;
import static dev.vigil.unpack.Containers.xz;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Containers nested by the test (EICAR at the bottom), scanned by clamscan and by Vigil with the same signatures:
 * a body signature, a hash signature, and logical signatures restricted by {@code Container:} and
 * {@code Intermediates:}. Each file must get the same detections (allmatch) and the same verdict (first match).
 */
class NestedContainersTest {
    @TempDir
    static Path dir;
    static Path files;
    static Path db;
    static Map<String, byte[]> cases = new LinkedHashMap<>();

    @BeforeAll
    static void build() throws Exception {
        byte[] eicar = TestData.EICAR;
        String hex = HexFormat.of().formatHex(eicar);
        // Offsets into EICAR keep the signatures apart, so that each names what it matched.
        String md5 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(eicar));
        db = Files.createDirectories(dir.resolve("db"));
        Files.writeString(db.resolve("t.ndb"), "Test.Body:0:*:" + hex + "\n");
        Files.writeString(db.resolve("t.hdb"), md5 + ":" + eicar.length + ":Test.Hash\n");
        Files.writeString(db.resolve("t.ldb"), String.join("\n",
                "Test.InZip;Engine:81-255,Container:CL_TYPE_ZIP,Target:0;0;" + hex.substring(0, 40),
                "Test.InTar;Engine:81-255,Container:CL_TYPE_POSIX_TAR,Target:0;0;" + hex.substring(0, 40),
                "Test.TopOnly;Engine:81-255,Container:CL_TYPE_ANY,Target:0;0;" + hex.substring(0, 40),
                "Test.ZipTarGz;Engine:81-255,Intermediates:CL_TYPE_ZIP>CL_TYPE_GZ>CL_TYPE_POSIX_TAR,Target:0;0;"
                        + hex.substring(0, 40),
                "Test.AnyZip;Engine:81-255,Intermediates:CL_TYPE_ZIP>CL_TYPE_ANY,Target:0;0;" + hex.substring(0, 40))
                + "\n");

        cases.put("plain.com", eicar);
        cases.put("eicar.zip", Containers.zip("eicar.com", eicar));
        cases.put("eicar-stored.zip", Containers.zip(Containers.one("eicar.com", eicar), true));
        cases.put("eicar.tar", Containers.tar("eicar.com", eicar));
        cases.put("eicar.gz", gzip(eicar));
        cases.put("eicar.bz2", bzip2(eicar));
        cases.put("eicar.xz", xz(eicar));
        cases.put("eicar.7z", Containers.sevenZip("eicar.com", eicar));
        cases.put("eicar.cpio", Containers.cpio("eicar.com", eicar));
        cases.put("eicar.ar", Containers.ar("eicar.com", eicar));
        cases.put("zip-tgz-zip.zip", Containers.zip("mid.tar.gz",
                gzip(Containers.tar("inner.zip", Containers.zip("x/eicar.com", eicar)))));
        cases.put("7z-tbz-cpio.7z", Containers.sevenZip("a.tar.bz2",
                bzip2(Containers.tar("b.cpio", Containers.cpio("eicar.com", eicar)))));
        cases.put("xz-tar-zip-gz.tar.xz", xz(Containers.tar("s.zip",
                Containers.zip(Containers.one("e.gz", gzip(eicar)), true))));
        cases.put("tgz-in-zip.zip", Containers.zip("a.tar.gz", gzip(Containers.tar("eicar.com", eicar))));
        cases.put("tar-in-zip.zip", Containers.zip("t.tar", Containers.tar("deep/eicar.com", eicar)));
        Map<String, byte[]> mixed = new LinkedHashMap<>();
        mixed.put("clean.txt", "hello".getBytes());
        mixed.put("eicar1.com", eicar);
        mixed.put("nested.zip", Containers.zip("eicar2.com", eicar));
        cases.put("several.zip", Containers.zip(mixed, false));
        byte[] deep = eicar;
        for (int i = 0; i < 20; i++) {
            deep = Containers.zip("level" + i + ".zip", deep);
        }
        cases.put("deep20.zip", deep);
        byte[] deep15 = eicar;
        for (int i = 0; i < 15; i++) {
            deep15 = Containers.zip("level" + i + ".zip", deep15);
        }
        cases.put("deep15.zip", deep15);
        files = Files.createDirectories(dir.resolve("files"));
        for (var e : cases.entrySet()) {
            Files.write(files.resolve(e.getKey()), e.getValue());
        }
    }

    @Test
    void allMatchDetectionsAreClamscans() throws Exception {
        compare(true);
    }

    @Test
    void firstMatchVerdictsAreClamscans() throws Exception {
        compare(false);
    }

    private void compare(boolean allMatch) throws Exception {
        Clamscan.assume();
        List<String> args = new ArrayList<>(List.of("--no-summary", "-d", db.toString()));
        if (allMatch) {
            args.add("--allmatch");
        }
        for (String name : cases.keySet()) {
            args.add(files.resolve(name).toString());
        }
        Map<String, List<String>> reference = Clamscan.verdicts(Clamscan.run(args));
        Engine engine = TestData.engine(db);
        RecursiveScanner scanner = new RecursiveScanner(engine, Unpackers.defaults(), UnpackLimits.DEFAULT);
        Map<String, List<String>> expected = new LinkedHashMap<>();
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (String name : cases.keySet()) {
            Path f = files.resolve(name);
            DeepScanResult r = scanner.scan(f, DeepScanOptions.DEFAULT.withAllMatch(allMatch));
            List<String> want = new ArrayList<>(reference.getOrDefault(f.toString(), List.of()));
            List<String> got = new ArrayList<>(r.detections().stream().map(DeepDetection::name).toList());
            if (allMatch) {
                // clamscan reports a name once per file; the order follows its internal scan order.
                want = want.stream().distinct().sorted().toList();
                got = got.stream().distinct().sorted().toList();
            } else {
                want = want.isEmpty() ? List.of() : List.of("FOUND");
                got = got.isEmpty() ? List.of() : List.of("FOUND");
            }
            expected.put(name, want);
            actual.put(name, got);
        }
        assertThat(actual).isEqualTo(expected);
        if (allMatch) {
            // The container conditions must be exercised both ways, or the comparison proves little.
            assertThat(expected.values().stream().flatMap(List::stream).distinct())
                    .contains("Test.InZip.UNOFFICIAL", "Test.InTar.UNOFFICIAL", "Test.TopOnly.UNOFFICIAL",
                            "Test.ZipTarGz.UNOFFICIAL", "Test.AnyZip.UNOFFICIAL");
            assertThat(expected.get("eicar.zip")).doesNotContain("Test.TopOnly.UNOFFICIAL", "Test.InTar.UNOFFICIAL");
        }
    }
}
