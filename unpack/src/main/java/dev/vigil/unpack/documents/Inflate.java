package dev.vigil.unpack.documents;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** zlib / raw deflate decoding into a bounded buffer; corrupt data ends the output, keeping what was decoded. */
public final class Inflate {
    private Inflate() {
    }

    /** Inflates {@code src[from, to)}; {@code zlib} selects the zlib wrapper (else raw deflate). */
    public static void inflate(byte[] src, int from, int to, boolean zlib, BoundedBuffer out)
            throws OutputLimitException {
        Inflater inf = new Inflater(!zlib);
        try {
            inf.setInput(src, from, Math.max(0, to - from));
            byte[] chunk = new byte[16384];
            while (!inf.finished()) {
                int n;
                try {
                    n = inf.inflate(chunk);
                } catch (DataFormatException e) {
                    return;
                }
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    return;
                }
                out.put(chunk, 0, n);
            }
        } finally {
            inf.end();
        }
    }
}
