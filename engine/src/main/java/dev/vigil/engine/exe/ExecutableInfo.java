package dev.vigil.engine.exe;

import java.util.List;

/**
 * What the engine needs from executable headers: the entry point as a file offset ({@code -1} if unknown)
 * and the sections in header order, as ClamAV uses them for {@code EP}, {@code Sx}, {@code SL}, {@code SE}
 * offsets, target-description ranges and PE section hashes. All values fit ClamAV's unsigned 32 bits.
 *
 * @param versionInfoOffsets PE only: ascending file offsets where a {@code VI} signature may start (the keys of the
 *                           version-information strings); empty otherwise. Shared, do not modify.
 */
public record ExecutableInfo(Format format, long entryPoint, List<Section> sections, long[] versionInfoOffsets) {

    public enum Format { PE, ELF, MACHO }

    public ExecutableInfo {
        sections = List.copyOf(sections);
        if (versionInfoOffsets == null) {
            versionInfoOffsets = new long[0];
        }
    }

    public ExecutableInfo(Format format, long entryPoint, List<Section> sections) {
        this(format, entryPoint, sections, null);
    }

    /** Whether a {@code VI} signature may start at this file offset. */
    public boolean isVersionInfoOffset(long offset) {
        return java.util.Arrays.binarySearch(versionInfoOffsets, offset) >= 0;
    }
}
