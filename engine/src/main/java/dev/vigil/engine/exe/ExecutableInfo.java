package dev.vigil.engine.exe;

import java.util.List;

/**
 * What the engine needs from executable headers: the entry point as a file offset ({@code -1} if unknown)
 * and the sections in header order, as ClamAV uses them for {@code EP}, {@code Sx}, {@code SL}, {@code SE}
 * offsets, target-description ranges and PE section hashes.
 */
public record ExecutableInfo(Format format, long entryPoint, List<Section> sections) {

    public enum Format { PE, ELF, MACHO }

    public ExecutableInfo {
        sections = List.copyOf(sections);
    }
}
