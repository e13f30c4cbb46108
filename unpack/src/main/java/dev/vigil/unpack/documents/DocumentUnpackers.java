package dev.vigil.unpack.documents;

import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.html.HtmlUnpacker;
import dev.vigil.unpack.mail.EncodedTextUnpacker;
import dev.vigil.unpack.mail.MailUnpacker;
import dev.vigil.unpack.mail.TnefUnpacker;
import dev.vigil.unpack.ole2.Ole2Unpacker;
import dev.vigil.unpack.onenote.OneNoteUnpacker;
import dev.vigil.unpack.pdf.PdfUnpacker;
import dev.vigil.unpack.rtf.RtfUnpacker;

import java.util.List;

/**
 * The unpackers for mail, text encodings and documents. Each accepts the ClamAV type it handles (some also
 * recognise their magic bytes); the scanner offers a file to the first that accepts it.
 */
public final class DocumentUnpackers {
    private DocumentUnpackers() {
    }

    public static List<Unpacker> all() {
        return List.of(new MailUnpacker(), new EncodedTextUnpacker(), new TnefUnpacker(), new Ole2Unpacker(),
                new PdfUnpacker(), new RtfUnpacker(), new HtmlUnpacker(), new OneNoteUnpacker());
    }
}
