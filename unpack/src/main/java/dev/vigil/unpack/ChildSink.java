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

    /**
     * Offers what the container says about an entry before it is extracted (ClamAV tests its {@code .cdb}
     * signatures at this point, for encrypted entries too). Unpackers whose format declares names and sizes call it
     * once per entry, in container order.
     *
     * @return false when the unpacker must stop now (a detection in first-match mode)
     */
    default boolean metadata(EntryMetadata entry) {
        return true;
    }

    /** Reports an entry that could not be extracted because it is encrypted (the encrypted-archive heuristic). */
    void encrypted(String name);

    /** Reports that the unpacker skipped something because of a limit ({@code MaxFiles}, {@code MaxFileSize}, ...). */
    void limitExceeded(String limitName, String detail);

    /**
     * Raises a heuristic alert about the container itself that the unpacker detected from its structure, named as
     * ClamAV names it ({@code Heuristics.Zip.OverlappingFiles}). Treated like ClamAV's potentially-unwanted alerts:
     * it never stops the scan, and a signature detection takes precedence in first-match mode.
     */
    default void alert(String heuristicName) {
    }

    /**
     * Reports that part of the container could not be read (a corrupt entry, an unsupported method); the scan goes
     * on with what could be read. Shown in the result's unpack errors.
     */
    default void error(String detail) {
    }

    /** The limits in force, for decisions the unpacker makes itself (entry counts, declared sizes). */
    UnpackLimits limits();
}
