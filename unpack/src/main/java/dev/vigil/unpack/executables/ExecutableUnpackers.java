package dev.vigil.unpack.executables;

import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.autoit.AutoItUnpacker;
import dev.vigil.unpack.cab.CabSfxUnpacker;
import dev.vigil.unpack.cab.CabUnpacker;
import dev.vigil.unpack.chm.ChmUnpacker;
import dev.vigil.unpack.iso.IsoUnpacker;
import dev.vigil.unpack.ishield.InstallShieldMsiUnpacker;
import dev.vigil.unpack.ishield.InstallShieldOverlayUnpacker;
import dev.vigil.unpack.nsis.NsisUnpacker;
import dev.vigil.unpack.pe.AspackUnpacker;
import dev.vigil.unpack.pe.EmbeddedPeUnpacker;
import dev.vigil.unpack.pe.FsgUnpacker;
import dev.vigil.unpack.pe.MewUnpacker;
import dev.vigil.unpack.pe.NspackUnpacker;
import dev.vigil.unpack.pe.PespinUnpacker;
import dev.vigil.unpack.pe.PetiteUnpacker;
import dev.vigil.unpack.pe.UpackUnpacker;
import dev.vigil.unpack.pe.UpxUnpacker;
import dev.vigil.unpack.pe.WwpackUnpacker;
import dev.vigil.unpack.pe.YcUnpacker;
import dev.vigil.unpack.sis.SisUnpacker;
import dev.vigil.unpack.szdd.SzddUnpacker;

import java.util.List;

/** The unpackers for packed executables and for the archive formats Commons Compress does not read. */
public final class ExecutableUnpackers {
    private ExecutableUnpackers() {
    }

    /**
     * All of them, in the order ClamAV tries them on one file: files appended by InstallShield first (ClamAV reads
     * the overlay before unpacking), and a packed PE is unpacked before embedded PE files are searched for in it.
     */
    public static List<Unpacker> all() {
        return List.of(new InstallShieldOverlayUnpacker(), new MewUnpacker(), new UpackUnpacker(), new FsgUnpacker(), new NspackUnpacker(), new UpxUnpacker(), new YcUnpacker(), new WwpackUnpacker(), new PetiteUnpacker(),
                new AspackUnpacker(), new PespinUnpacker(), new EmbeddedPeUnpacker(), new CabUnpacker(), new CabSfxUnpacker(),
                new ChmUnpacker(),
                new SzddUnpacker(), new IsoUnpacker(), new SisUnpacker(), new NsisUnpacker(), new AutoItUnpacker(),
                new InstallShieldMsiUnpacker());
    }
}
