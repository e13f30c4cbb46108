package dev.vigil.unpack.html;

import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.normalize.HtmlNormalizer;
import dev.vigil.engine.normalize.HtmlViews;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.documents.Emitter;
import dev.vigil.unpack.mail.MimeParser;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * HTML (CL_TYPE_HTML): the engine already scans the normalised views and each {@code data:} URI file; what it does
 * not do is decode those files. ClamAV writes each {@code data:} URI as a small MIME message and scans it as mail,
 * so the decoded content is scanned; this unpacker offers that decoded content as children.
 */
public final class HtmlUnpacker implements Unpacker {
    static final String TYPE = "CL_TYPE_HTML";

    @Override
    public String name() {
        return "html";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return TYPE.equals(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        Emitter out = new Emitter(sink, TYPE);
        HtmlViews views;
        try {
            views = HtmlNormalizer.normalize(input, ScanLimits.orUnlimited(sink.limits().maxHtmlNormalize()),
                    ScanLimits.orUnlimited(sink.limits().maxHtmlNoTags()),
                    (int) Math.min(Integer.MAX_VALUE - 16, out.maxObject()));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (views == null) {
            // over MaxHTMLNormalize: ClamAV skips the file silently (no Heuristics.Limits.Exceeded alert)
            return;
        }
        try {
            for (byte[] dataUri : views.dataUris()) {
                new MimeParser(dataUri, out).parseMailbox(dataUri.length);
            }
        } catch (Emitter.Stopped stop) {
            // the sink has what it needs
        }
    }
}
