package dev.vigil.unpack.documents;

import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.mail.EncodedTextUnpacker;
import dev.vigil.unpack.mail.MailUnpacker;
import dev.vigil.unpack.mail.TnefUnpacker;
import dev.vigil.unpack.ole2.Ole2Unpacker;
import dev.vigil.unpack.pdf.PdfUnpacker;

import java.util.List;

/** The unpackers for mail, text encodings and documents, in the order the scanner should try them. */
public final class DocumentUnpackers {
    private DocumentUnpackers() {
    }

    public static List<Unpacker> all() {
        return List.of(new MailUnpacker(), new EncodedTextUnpacker(), new TnefUnpacker(),
                new Ole2Unpacker(), new PdfUnpacker());
    }
}
