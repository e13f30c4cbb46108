package dev.vigil.unpack.mail;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.documents.Emitter;

import java.io.IOException;

/** Mail messages and mbox files (CL_TYPE_MAIL): every decoded MIME part is a child. */
public final class MailUnpacker implements Unpacker {
    static final String TYPE = "CL_TYPE_MAIL";

    @Override
    public String name() {
        return "mail";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return TYPE.equals(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        Emitter out = new Emitter(sink, TYPE);
        byte[] data = out.readAll(input);
        try {
            new MimeParser(data, out).parseMailbox(data.length);
        } catch (Emitter.Stopped stop) {
            // the sink has what it needs
        }
    }
}
