package dev.vigil.engine.exe;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile headers must give a result or null, never an exception or a hang, and every offset must stay in ClamAV's
 * 32-bit range. Normal runs replay the seeds in src/test/resources/.../ExecutablesFuzzTestInputs;
 * {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ExecutablesFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void pe(byte[] data) throws IOException {
        check(Executables.parse(ScanInput.of(data), ExecutableInfo.Format.PE), data);
        check(Executables.parse(ScanInput.of(data)), data);
    }

    /** Import-table text: null or bounded, and never a NUL (every name ends at one). */
    @FuzzTest(maxDuration = "60s")
    void imports(byte[] data) throws IOException {
        byte[] text = Executables.importTableDigestInput(ScanInput.of(data));
        if (text != null) {
            assertThat(text.length).isLessThanOrEqualTo(16 << 20);
            for (byte b : text) {
                assertThat(b).isNotZero();
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void elf(byte[] data) throws IOException {
        check(Executables.parse(ScanInput.of(data), ExecutableInfo.Format.ELF), data);
    }

    @FuzzTest(maxDuration = "60s")
    void macho(byte[] data) throws IOException {
        check(Executables.parse(ScanInput.of(data), ExecutableInfo.Format.MACHO), data);
        for (long[] slice : Executables.machOUniversalSlices(ScanInput.of(data))) {
            assertThat(slice[0]).isBetween(8L, 0xffffffffL);
            assertThat(slice[1]).isBetween(0L, 0xffffffffL);
        }
    }

    private static void check(ExecutableInfo info, byte[] data) {
        if (info == null) {
            return;
        }
        assertThat(info.entryPoint()).isBetween(0L, 0xffffffffL);
        long[] vi = info.versionInfoOffsets();
        for (int i = 0; i < vi.length; i++) {
            assertThat(vi[i]).isBetween(0L, (long) data.length - 1);
            if (i > 0) {
                assertThat(vi[i]).isGreaterThan(vi[i - 1]);
            }
        }
        // Every section needs header bytes in the file, so the count is bounded by the data.
        assertThat(info.sections().size()).isLessThanOrEqualTo(data.length);
        for (Section s : info.sections()) {
            assertThat(s.rawOffset()).isBetween(0L, 0xffffffffL);
            assertThat(s.rawSize()).isBetween(0L, 0xffffffffL);
            assertThat(s.virtualAddress()).isBetween(0L, 0xffffffffL);
            assertThat(s.virtualSize()).isBetween(0L, 0xffffffffL);
            if (info.format() == ExecutableInfo.Format.PE && s.rawSize() > 0) {
                // ClamAV clips PE sections to the file.
                assertThat(s.rawOffset() + s.rawSize()).isLessThanOrEqualTo(data.length);
            }
        }
    }
}
