package dev.vigil.unpack.pe;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;

import java.io.IOException;

/**
 * An unpacker for one executable packer: offered every PE, it reads the headers once and leaves it to the packer's
 * own recognition (entry-point code, section layout) to decide whether there is anything to unpack.
 */
abstract class PackedPeUnpacker implements Unpacker {

    @Override
    public final boolean accepts(FileType type, ScanInput input) {
        return FileType.MSEXE.equals(type);
    }

    @Override
    public final void unpack(ScanInput input, ChildSink sink) throws IOException {
        PeImage pe = PeImage.read(input);
        if (pe != null) {
            unpack(pe, input, sink);
        }
    }

    /** Unpacks {@code pe} (read from {@code input}) if it is this packer's work; otherwise does nothing. */
    abstract void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException;
}
