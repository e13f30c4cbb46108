package dev.vigil.engine.match;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.SignatureKind;
import dev.vigil.engine.exe.ExecutableInfo;
import dev.vigil.engine.exe.Executables;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Import-table hashes and {@code VI} offsets wired through the scan, on ClamAV's pe_allmatch test.exe. */
class PeHeaderSignaturesScanTest {
    private static byte[] exe;

    @BeforeAll
    static void load() throws IOException {
        Path p = Path.of(System.getProperty("vigil.shared", "../shared"),
                "conformance/clamav-unit-input/pe_allmatch/test.exe");
        Assumptions.assumeTrue(Files.isRegularFile(p), "shared test.exe absent");
        exe = Files.readAllBytes(p);
    }

    private static List<String> names(Engine engine, byte[] data) {
        List<String> out = new ArrayList<>();
        for (Detection d : engine.scan(data, ScanOptions.DEFAULT.withAllMatch(true)).detections()) {
            out.add(d.kind() + ":" + d.name());
        }
        return out;
    }

    @Test
    void importHashMatchesOnlyWithTheRightDigestAndSize() throws Exception {
        byte[] text = Executables.importTableDigestInput(ScanInput.of(exe));
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(text);
        Engine engine = Engine.builder()
                .add(new HashSignature("Imp.Exact", HashAlgorithm.SHA1, sha1, text.length, HashScope.PE_IMPORTS))
                .add(new HashSignature("Imp.Any", HashAlgorithm.SHA1, sha1, HashSignature.ANY_SIZE,
                        HashScope.PE_IMPORTS))
                .add(new HashSignature("Imp.WrongSize", HashAlgorithm.SHA1, sha1, text.length + 1,
                        HashScope.PE_IMPORTS))
                .add(new HashSignature("File.NotImports", HashAlgorithm.SHA1, sha1, text.length, HashScope.FILE))
                .build();
        assertThat(names(engine, exe)).containsExactlyInAnyOrder("IMPORT_HASH:Imp.Exact", "IMPORT_HASH:Imp.Any");
        // The import text itself, scanned as a file, is no PE.
        assertThat(names(engine, text)).containsExactly("HASH:File.NotImports");
    }

    @Test
    void versionInfoSignaturesStartOnlyAtRecordedOffsets() throws IOException {
        ExecutableInfo info = Executables.parse(ScanInput.of(exe));
        long[] starts = info.versionInfoOffsets();
        assertThat(starts).isNotEmpty();
        long at = starts[starts.length / 2];
        Engine engine = Engine.builder()
                .add(new BodySignature("VI.AtKey", 1, new OffsetSpec.VersionInfo(), literal(at, 20)))
                .add(new BodySignature("VI.InsideKey", 1, new OffsetSpec.VersionInfo(), literal(at + 2, 18)))
                .add(new BodySignature("VI.AnyTarget", 0, new OffsetSpec.VersionInfo(), literal(at, 16)))
                .build();
        assertThat(names(engine, exe)).containsExactlyInAnyOrder("BODY:VI.AtKey", "BODY:VI.AnyTarget");
        // Without PE headers there is no version information to anchor on.
        byte[] noPe = Arrays.copyOf(exe, exe.length);
        noPe[0] = 'X';
        assertThat(names(engine, noPe)).isEmpty();
    }

    private static BodyPattern literal(long from, int length) {
        List<PatternNode> nodes = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            nodes.add(ByteSet.of(exe[(int) from + i]));
        }
        return BodyPattern.of(new Part(nodes));
    }
}
