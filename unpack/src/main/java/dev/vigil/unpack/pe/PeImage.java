package dev.vigil.unpack.pe;

import dev.vigil.engine.exe.ExecutableInfo;
import dev.vigil.engine.exe.Executables;
import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.List;

/**
 * What the unpackers here need from a PE: the engine's parsed sections and entry point (file offset), plus the
 * optional-header fields it does not expose (entry point RVA, image base).
 *
 * @param entryRva  AddressOfEntryPoint
 * @param imageBase ImageBase (low 32 bits for PE32+)
 * @param epBytes   up to 4096 bytes from the entry point's file offset (empty when it maps outside the file)
 */
public record PeImage(ExecutableInfo info, long entryRva, long imageBase, byte[] epBytes) {

    /** The PE's headers, or null when ClamAV would not treat it as a PE. */
    public static PeImage read(ScanInput in) throws IOException {
        byte[] mz = in.readFully(0, 2);
        boolean magic = mz.length == 2 && (mz[0] == 'M' && mz[1] == 'Z' || mz[0] == 'Z' && mz[1] == 'M');
        if (!magic) {
            return null;
        }
        ExecutableInfo info = Executables.parse(in, ExecutableInfo.Format.PE);
        if (info == null) {
            return null;
        }
        long lfanew = Le.u32(in.readFully(0x3c, 4), 0);
        byte[] opt = in.readFully(lfanew + 24, 32);
        long ep = info.entryPoint();
        byte[] epBytes = ep >= 0 && ep < in.size() ? in.readFully(ep, 4096) : new byte[0];
        return new PeImage(info, Le.u32(opt, 16), Le.u32(opt, 28), epBytes);
    }

    public List<Section> sections() {
        return info.sections();
    }
}
