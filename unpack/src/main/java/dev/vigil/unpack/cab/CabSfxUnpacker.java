package dev.vigil.unpack.cab;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.Le;
import dev.vigil.unpack.pe.ParentType;
import dev.vigil.unpack.pe.ScanInputStream;
import dev.vigil.unpack.pe.SliceInput;

import java.io.IOException;

/**
 * Cabinets inside other files (self-extracting setups), found as ClamAV finds CAB-SFX: {@code MSCF\0\0\0\0} at a
 * non-zero offset whose header, folder and file tables parse; the child is the cabinet's declared length from there
 * (cut at the end of the file), and the search resumes after it.
 */
public final class CabSfxUnpacker implements Unpacker {
    private static final byte[] MAGIC = {'M', 'S', 'C', 'F', 0, 0, 0, 0};
    private static final int CHUNK = 1 << 20;

    @Override
    public String name() {
        return "cab-sfx";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return type == null || !"CL_TYPE_MSCAB".equals(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        long size = input.size();
        int found = 0;
        String parent = ParentType.of(input);
        long base = 1;
        while (base < size) {
            byte[] got = input.readFully(base, CHUNK + MAGIC.length);
            int hit = Le.indexOf(got, MAGIC, 0, got.length);
            if (hit < 0 || hit >= CHUNK) {
                base += CHUNK;
                continue;
            }
            long at = base + hit;
            long length = Math.min(Le.u32(input.readFully(at + 8, 4), 0), size - at);
            base = at + 1;
            if (length < CabUnpacker.HEADER) {
                continue;
            }
            ScanInput cab = new SliceInput(input, at, length);
            try {
                CabUnpacker.parse(cab);
            } catch (UnpackException notACabinet) {
                continue;
            }
            int max = sink.limits().maxFiles();
            if (max > 0 && ++found > max) {
                sink.limitExceeded("MaxFiles", "embedded cabinets past " + max + " not scanned");
                return;
            }
            if (!sink.child(new Child("cab@" + at, parent, length), new ScanInputStream(cab))) {
                return;
            }
            base = at + length; // matches inside this cabinet belong to it
        }
    }
}
