package dev.vigil.engine.image;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.EngineImage;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the bytes, reading an image either succeeds or throws {@link ImageFormatException}. The fuzzer's bytes
 * become the content of an image with a valid header and checksum, so that the structural checks (not only the
 * checksum) are what stands between hostile content and the scan. Normal runs replay the seeds in
 * src/test/resources/.../EngineImageFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes.
 */
class EngineImageFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void readNeverFailsOtherwise(byte[] content) throws Exception {
        ByteArrayOutputStream image = new ByteArrayOutputStream();
        image.write("VIGIL-ENGINE-IMAGE\n".getBytes(StandardCharsets.US_ASCII));
        image.write(ByteBuffer.allocate(4).putInt(1).array());
        image.write(content);
        CRC32C crc = new CRC32C();
        crc.update(content);
        image.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array());
        try {
            EngineImage.Loaded loaded = EngineImage.read(image.toByteArray(), EngineImageTest.DECODER);
            assertThat(loaded.engine()).isNotNull();
            // an image that reads must also scan without failing
            loaded.engine().scan("lsig-a needle-one FIRST SECOND".getBytes(StandardCharsets.US_ASCII));
        } catch (ImageFormatException expected) {
            // refused clearly
        }
    }
}
