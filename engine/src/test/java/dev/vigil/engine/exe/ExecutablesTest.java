package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ExecutablesTest {

    @Test
    void everyTruncationOfTheSyntheticFilesParsesOrFailsQuietly() throws IOException {
        for (Map.Entry<String, byte[]> e : SyntheticExecutables.all().entrySet()) {
            byte[] full = e.getValue();
            for (int n = 0; n <= full.length; n += 7) {
                byte[] cut = Arrays.copyOf(full, n);
                for (ExecutableInfo.Format f : ExecutableInfo.Format.values()) {
                    Executables.parse(ScanInput.of(cut), f);
                }
            }
        }
    }

    @Test
    void formatIsChosenByMagic() throws IOException {
        assertThat(Executables.parse(ScanInput.of(SyntheticExecutables.pe(false, 0x200, 0x400, 0x1010, false, 0x200)))
                .format()).isEqualTo(ExecutableInfo.Format.PE);
        assertThat(Executables.parse(ScanInput.of(SyntheticExecutables.elf(false, true, true))).format())
                .isEqualTo(ExecutableInfo.Format.ELF);
        assertThat(Executables.parse(ScanInput.of(SyntheticExecutables.macho(true, 1))).format())
                .isEqualTo(ExecutableInfo.Format.MACHO);
        assertThat(Executables.parse(ScanInput.of(new byte[] {'M'}))).isNull();
        assertThat(Executables.parse(ScanInput.of(new byte[0]))).isNull();
    }

    @Test
    void sectionsBeyondTheFileKeepTheirPlaceWithNoRawData() throws IOException {
        ExecutableInfo info = Executables.parse(ScanInput.of(
                SyntheticExecutables.pe(false, 0x200, 0x400, 0x1010, false, 0x200)));
        assertThat(info.sections()).hasSize(3);
        assertThat(info.sections().get(2).name()).isEqualTo(".gone");
        assertThat(info.sections().get(2).rawSize()).isZero();
    }

    @Test
    @Timeout(5)
    void hostileCountsAreBoundedByTheData() throws IOException {
        byte[] pe = SyntheticExecutables.pe(false, 0x200, 0x400, 0x1010, false, 0x200);
        ByteBuffer.wrap(pe).order(ByteOrder.LITTLE_ENDIAN).putShort(0x80 + 6, (short) 0xffff);
        assertThat(Executables.parse(ScanInput.of(pe))).isNull();

        byte[] elf = SyntheticExecutables.elf(true, false, true);
        ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN).putShort(56, (short) 129);
        assertThat(Executables.parse(ScanInput.of(elf))).as("more than 128 program headers").isNull();

        // 1024 load commands of size 0: ClamAV steps 8 bytes each and runs off the data.
        byte[] macho = new byte[64];
        ByteBuffer.wrap(macho).order(ByteOrder.BIG_ENDIAN).putInt(0, 0xfeedface).putInt(4, 18).putInt(16, 1024);
        assertThat(Executables.parse(ScanInput.of(macho))).isNull();
    }

    @Test
    void universalSlicesFollowTheFatHeaderAndStopAtAnOffsetInsideIt() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(0x3000).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 0xcafebabe).putInt(4, 3);
        b.putInt(8 + 8, 0x1000).putInt(8 + 12, 0x800);
        b.putInt(28 + 8, 0x2000).putInt(28 + 12, 0x900);
        b.putInt(48 + 8, 0x10).putInt(48 + 12, 0x900);
        assertThat(Executables.machOUniversalSlices(ScanInput.of(b.array())))
                .containsExactly(new long[] {0x1000, 0x800}, new long[] {0x2000, 0x900});

        b.putInt(4, 0x34); // a Java class file's version field
        assertThat(Executables.machOUniversalSlices(ScanInput.of(b.array()))).isEmpty();
    }
}
