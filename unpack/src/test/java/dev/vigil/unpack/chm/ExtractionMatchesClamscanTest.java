package dev.vigil.unpack.chm;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.cab.CabUnpacker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The LZX-compressed files Vigil extracts are byte for byte those clamscan extracts: clamscan's debug log names each
 * extracted file ({@code CDBNAME:...:name:...}) and then the MD5 it looks up in its cache; the MD5s of Vigil's
 * children must be the same. Covers the CHM test file and the LZX cabinet inside an InstallShield setup.
 */
class ExtractionMatchesClamscanTest {
    private static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");
    private static final Path TESTFILES = Path.of("/usr/share/clamav-testfiles");

    @Test
    void chmFilesMatch() throws Exception {
        Path chm = testFile("clam.chm");
        Map<String, String> reference = clamscanExtractions(chm, "CL_TYPE_MSCHM");
        Map<String, String> ours = extract(new ChmUnpacker(), Files.readAllBytes(chm));
        assertThat(reference).hasSizeGreaterThanOrEqualTo(8);
        assertThat(ours).containsAllEntriesOf(reference);
    }

    @Test
    void lzxCabinetFilesMatch() throws Exception {
        Path setup = testFile("clam_IScab_ext.exe");
        Map<String, String> reference = clamscanExtractions(setup, "CL_TYPE_MSCAB");
        byte[] all = Files.readAllBytes(setup);
        int at = indexOf(all, new byte[] {'M', 'S', 'C', 'F', 0, 0, 0, 0});
        assertThat(at).isPositive();
        Map<String, String> ours = extract(new CabUnpacker(), Arrays.copyOfRange(all, at, all.length));
        assertThat(reference).hasSizeGreaterThanOrEqualTo(10);
        assertThat(ours).containsAllEntriesOf(reference);
    }

    private static Path testFile(String name) {
        Path p = TESTFILES.resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(p), "Debian's clamav-testfiles absent");
        boolean present = Files.isExecutable(CLAMSCAN);
        if (!present && Boolean.getBoolean("vigil.requireOracles")) {
            throw new AssertionError("clamscan is required (-Dvigil.requireOracles=true) but absent");
        }
        Assumptions.assumeTrue(present, "clamscan not installed");
        return p;
    }

    /** name → MD5 of every file clamscan extracted from a container of {@code containerType}. */
    private static Map<String, String> clamscanExtractions(Path file, String containerType) throws Exception {
        Path db = Path.of(System.getProperty("vigil.shared", "../shared"), "conformance", "clamav-unit-input",
                "clamav.hdb");
        Assumptions.assumeTrue(Files.isRegularFile(db), "ClamAV's clamav.hdb absent");
        Process p = new ProcessBuilder(CLAMSCAN.toString(), "--debug", "--no-summary", "-d", db.toString(),
                file.toString()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                new java.io.File("/dev/null"))).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        Map<String, String> out = new LinkedHashMap<>();
        String pending = null;
        String prefix = "CDBNAME:" + containerType + ":";
        for (String line : log.lines().toList()) {
            int c = line.indexOf(prefix);
            if (c >= 0) {
                String[] f = line.substring(c + prefix.length()).split(":");
                pending = f[1];
                continue;
            }
            int k = line.indexOf("clean_cache_check: ");
            if (k >= 0 && pending != null) {
                out.put(pending, line.substring(k + 19, k + 19 + 32));
                pending = null;
            }
        }
        return out;
    }

    private static Map<String, String> extract(Unpacker unpacker, byte[] container) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        unpacker.unpack(ScanInput.of(container), new ChildSink() {
            @Override
            public boolean child(Child child, InputStream in) throws IOException {
                out.put(child.name(), md5(in.readAllBytes()));
                return true;
            }

            @Override
            public void encrypted(String name) {
            }

            @Override
            public void limitExceeded(String limitName, String detail) {
            }

            @Override
            public UnpackLimits limits() {
                return UnpackLimits.DEFAULT;
            }
        });
        return out;
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 1; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
