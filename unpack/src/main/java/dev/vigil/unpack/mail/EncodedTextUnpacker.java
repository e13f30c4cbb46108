package dev.vigil.unpack.mail;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.documents.Emitter;

import java.io.IOException;

/** Bare uuencoded (CL_TYPE_UUENCODED) and BinHex (CL_TYPE_BINHEX) files: each encoded block is a child. */
public final class EncodedTextUnpacker implements Unpacker {
    @Override
    public String name() {
        return "uuencode-binhex";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return "CL_TYPE_UUENCODED".equals(type.name()) || "CL_TYPE_BINHEX".equals(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        byte[] head = input.readFully(0, 64);
        String type = head.length > 0 && head[0] == '(' ? "CL_TYPE_BINHEX" : "CL_TYPE_UUENCODED";
        Emitter out = new Emitter(sink, type);
        byte[] data = out.readAll(input);
        try {
            new MimeParser(data, out).textBlocks(data.length, "");
        } catch (Emitter.Stopped stop) {
            // the sink has what it needs
        }
    }
}
