package dev.vigil.unpack.documents;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.ole2.Ole2Unpacker;
import dev.vigil.unpack.ole2.VbaCompression;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** VBA macro source comes back byte for byte from a project the test writes (MS-OVBA compression round trip). */
class Ole2VbaTest {
    private static final byte[] SOURCE = ("Attribute VB_Name = \"Module1\"\r\n"
            + "Sub AutoOpen()\r\n    MsgBox \"Hello\"\r\n    MsgBox \"Hello\"\r\n    MsgBox \"Hello again\"\r\n"
            + "End Sub\r\n").repeat(40).getBytes(StandardCharsets.US_ASCII);

    static Map<String, byte[]> unpack(byte[] doc) throws IOException {
        Map<String, byte[]> children = new LinkedHashMap<>();
        new Ole2Unpacker().unpack(ScanInput.of(doc), new ChildSink() {
            @Override
            public boolean child(Child child, InputStream data) throws IOException {
                children.put(child.name(), data.readAllBytes());
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
        return children;
    }

    @Test
    void compressionRoundTripsWithCopyTokens() throws Exception {
        byte[] packed = Ole2Writer.vbaCompress(SOURCE);
        assertThat(packed.length).isLessThan(SOURCE.length / 4);
        assertThat(VbaCompression.decompress(packed, 0, packed.length, 1 << 20)).isEqualTo(SOURCE);
    }

    @Test
    void macroSourceIsAChild() throws Exception {
        Map<String, byte[]> children = unpack(Samples.vbaDocument(SOURCE));
        assertThat(children).containsKey("Macros/VBA/vba-project");
        String report = new String(children.get("Macros/VBA/vba-project"), StandardCharsets.ISO_8859_1);
        assertThat(report).startsWith("REM VBA project extracted from Microsoft Office document")
                .contains("REM MODULENAME: Module1").endsWith(new String(SOURCE, StandardCharsets.ISO_8859_1));
        assertThat(children).containsKeys("WordDocument", "Macros/PROJECT", "Macros/VBA/dir", "Macros/VBA/Module1");
    }

    @Test
    void packagePayloadIsAChild() throws Exception {
        Map<String, byte[]> children = unpack(Samples.packageDocument(Harness.EICAR));
        assertThat(children.get("ObjectPool/_1234/[1]Ole10Native/payload")).isEqualTo(Harness.EICAR);
    }
}
