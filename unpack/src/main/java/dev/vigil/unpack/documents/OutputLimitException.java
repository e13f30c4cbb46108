package dev.vigil.unpack.documents;

import dev.vigil.unpack.UnpackException;

/** A decoder's output would exceed its cap (MaxFileSize, or a decoder's own bound). */
public final class OutputLimitException extends UnpackException {
    private final long cap;

    public OutputLimitException(long cap) {
        super("decoded output exceeds " + cap + " bytes");
        this.cap = cap;
    }

    public long cap() {
        return cap;
    }
}
