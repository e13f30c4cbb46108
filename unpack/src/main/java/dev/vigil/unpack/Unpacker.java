package dev.vigil.unpack;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

/**
 * One container format: finds the objects inside a container and hands each to a {@link ChildSink}, which scans it
 * (recursively) before the unpacker moves on. Implementations are stateless and thread-safe; everything a single
 * extraction needs lives on the stack of {@link #unpack}.
 *
 * <p>Input is hostile. An unpacker never trusts a declared size or count: it reads through the sink's limits, stops
 * when the sink says so, and reports malformed structure with {@link UnpackException} (the scan of the container
 * itself still counts; the error is reported, not fatal).
 */
public interface Unpacker {

    /** Short format name used in reports and the format ladder: {@code zip}, {@code gzip}, {@code ole2}, ... */
    String name();

    /**
     * Whether this unpacker handles {@code input}, whose type the engine determined as {@code type} (ClamAV's
     * {@code CL_TYPE_*} names). May look at the first bytes for formats ClamAV types by magic only.
     */
    boolean accepts(FileType type, ScanInput input) throws IOException;

    /**
     * Whether this unpacker looks for objects embedded anywhere in a file (as ClamAV's raw scan types embedded
     * zips), so that it runs in addition to the unpacker of the file's own format, and before it. Format unpackers
     * answer false (the default): of those, only the first that accepts a file runs.
     */
    default boolean alongside() {
        return false;
    }

    /** Extracts the children of {@code input}, offering each to {@code sink} in container order. */
    void unpack(ScanInput input, ChildSink sink) throws IOException;
}
