package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.List;

/**
 * Entry point for executable header parsing: PE, ELF and Mach-O, with ClamAV's notion of a usable header. A null
 * result means ClamAV would find the headers broken: then {@code EP}, {@code Sx}, {@code SL}, {@code SE} offsets (and,
 * in ClamAV, {@code EOF-n} offsets of signatures scanned together with them) cannot match.
 */
public final class Executables {
    private Executables() {
    }

    /**
     * Parses the headers of a PE, ELF or thin Mach-O file, chosen by its magic bytes at offset 0 (the same bytes that
     * make ClamAV type it {@code CL_TYPE_MSEXE}, {@code CL_TYPE_ELF} or {@code CL_TYPE_MACHO}). Returns null when the
     * data is none of these or its headers are malformed; never throws on hostile content (only on I/O failure).
     */
    public static ExecutableInfo parse(ScanInput input) throws IOException {
        ExecutableInfo.Format format = sniff(input);
        return format == null ? null : parse(input, format);
    }

    /** Parses the headers as the given format, as ClamAV does for a file of the matching type. */
    public static ExecutableInfo parse(ScanInput input, ExecutableInfo.Format format) throws IOException {
        return switch (format) {
            case PE -> PeParser.parse(input);
            case ELF -> ElfParser.parse(input);
            case MACHO -> MachOParser.parse(input);
        };
    }

    /**
     * The text whose digest and length ClamAV compares with import-table ({@code .imp}) signatures: the imported
     * functions as lower-case {@code dll.function} names joined by commas. Null when ClamAV computes no import hash
     * for this file (not a usable PE32, no import directory, or names it rejects). Bounded; never throws on hostile
     * content (only on I/O failure).
     */
    public static byte[] importTableDigestInput(ScanInput input) throws IOException {
        if (sniff(input) != ExecutableInfo.Format.PE) {
            return null;
        }
        return PeImports.digestInput(input, PeParser.headers(input));
    }

    /**
     * The slices of a Mach-O universal binary as {offset, size} pairs, in the order and with the stopping rules of
     * ClamAV's {@code cli_scanmacho_unibin}; each slice is scanned as a nested file. Empty when not universal.
     */
    public static List<long[]> machOUniversalSlices(ScanInput input) throws IOException {
        return MachOParser.universalSlices(input);
    }

    private static ExecutableInfo.Format sniff(ScanInput input) throws IOException {
        byte[] m = HeaderBytes.read(input, 0, (int) Math.min(4, input.size()));
        if (m == null || m.length < 2) {
            return null;
        }
        if ((m[0] == 'M' && m[1] == 'Z') || (m[0] == 'Z' && m[1] == 'M')) {
            return ExecutableInfo.Format.PE;
        }
        if (m.length < 4) {
            return null;
        }
        long magic = HeaderBytes.u32(m, 0, true);
        if (magic == 0x7f454c46L) {
            return ExecutableInfo.Format.ELF;
        }
        if (magic == 0xcefaedfeL || magic == 0xcffaedfeL || magic == 0xfeedfaceL || magic == 0xfeedfacfL) {
            return ExecutableInfo.Format.MACHO;
        }
        return null;
    }
}
