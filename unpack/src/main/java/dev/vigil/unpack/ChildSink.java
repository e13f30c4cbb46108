package dev.vigil.unpack;

import java.io.IOException;
import java.io.InputStream;

/** Where an {@link Unpacker} delivers what it extracts; the recursive scanner implements it. */
public interface ChildSink {

    /**
     * Offers one extracted object. The sink reads {@code data} (at most up to its limits; it does not close it) and
     * scans it recursively before returning.
     *
     * @return false when the unpacker must stop now: a detection in first-match mode, or a limit that ends the scan
     */
    boolean child(Child child, InputStream data) throws IOException;

    /** Reports an entry that could not be extracted because it is encrypted (the encrypted-archive heuristic). */
    void encrypted(String name);

    /** Reports that the unpacker skipped something because of a limit ({@code MaxFiles}, {@code MaxFileSize}, ...). */
    void limitExceeded(String limitName, String detail);

    /** The limits in force, for decisions the unpacker makes itself (entry counts, declared sizes). */
    UnpackLimits limits();
}
