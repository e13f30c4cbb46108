package dev.vigil.unpack.pe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

/**
 * The container type to report for children found by searching inside a file. {@link dev.vigil.unpack.Unpacker#unpack}
 * is not told the type the engine gave its input, so the few types that matter here are recognised by their magic.
 */
public final class ParentType {
    private ParentType() {
    }

    public static String of(ScanInput in) throws IOException {
        byte[] m = in.readFully(0, 8);
        if (m.length >= 2 && (m[0] == 'M' && m[1] == 'Z' || m[0] == 'Z' && m[1] == 'M')) {
            return "CL_TYPE_MSEXE";
        }
        if (m.length >= 4 && m[0] == 'P' && m[1] == 'K' && m[2] == 3 && m[3] == 4) {
            return "CL_TYPE_ZIP";
        }
        if (m.length == 8 && Le.u32(m, 0) == 0xe011cfd0L && Le.u32(m, 4) == 0xe11ab1a1L) {
            return "CL_TYPE_MSOLE2";
        }
        return "CL_TYPE_ANY";
    }
}
