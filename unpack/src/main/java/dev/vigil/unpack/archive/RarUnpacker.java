package dev.vigil.unpack.archive;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;

import java.io.IOException;

/**
 * RAR archives: RAR 1.5-4.x ({@link Rar4Extractor}) and RAR 5.0 ({@link Rar5Reader}), each walked by Vigil's own
 * block reader first; stored entries are copied by Vigil, compressed ones decoded by junrar inside
 * {@link GuardedJunrar} (bounded in entries, memory and time).
 * Encrypted headers or entries are reported as encrypted ({@code Heuristics.Encrypted.RAR} with
 * {@code --alert-encrypted}); entries split across volumes are reported as not scannable.
 */
public final class RarUnpacker implements Unpacker {
    private static final String TYPE = "CL_TYPE_RAR";

    @Override
    public String name() {
        return "rar";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        return TYPE.equals(type.name()) && (Rar4Blocks.isRar4(input) || Rar5Reader.isRar5(input));
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        if (Rar5Reader.isRar5(input)) {
            Rar5Reader.read(input, sink);
        } else if (Rar4Blocks.isRar4(input)) {
            Rar4Extractor.extract(input, sink);
        } else {
            sink.error("no RAR signature at the start");
        }
    }
}
