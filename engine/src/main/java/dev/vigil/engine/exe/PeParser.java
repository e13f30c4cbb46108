package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.engine.exe.HeaderBytes.U32;
import static dev.vigil.engine.exe.HeaderBytes.u16le;
import static dev.vigil.engine.exe.HeaderBytes.u32le;

/**
 * PE/PE32+ headers as ClamAV's target-info pass reads them (libclamav/pe.c {@code cli_peheader} without the strict
 * and remove-missing-sections options): sections keep their header order, raw offsets are rounded down to the file
 * alignment and raw sizes up to it, sections starting past the end of the file get raw size 0, and the entry point is
 * mapped to a file offset through the last section that contains it. Arithmetic is 32-bit unsigned, as there.
 */
final class PeParser {
    private static final int FILE_HEADER_SIZE = 24;
    private static final int OPTIONAL32_SIZE = 96;
    private static final int OPTIONAL64_SIZE = 112;
    private static final int SECTION_HEADER_SIZE = 40;
    private static final int MAX_DATA_DIRECTORIES = 16;
    private static final long DEFAULT_FILE_ALIGNMENT = 0x200;

    private PeParser() {
    }

    /**
     * The parsed headers other users of the PE need: sections, the aligned header size for RVA mapping, whether the
     * optional header is PE32+, and the data directories as (RVA, size) pairs (absent ones read as 0).
     */
    record Headers(List<Section> sections, long entryPoint, long headerSize, boolean pe32Plus, long[] directories) {
        long directoryRva(int index) {
            return 2 * index < directories.length ? directories[2 * index] : 0;
        }

        long directorySize(int index) {
            return 2 * index + 1 < directories.length ? directories[2 * index + 1] : 0;
        }
    }

    static ExecutableInfo parse(ScanInput in) throws IOException {
        Headers h = headers(in);
        if (h == null) {
            return null;
        }
        long[] versionInfo = new long[0];
        if (h.directorySize(2) != 0) {
            versionInfo = PeVersionInfo.offsets(in, h.directoryRva(2), h.sections(), h.headerSize());
        }
        return new ExecutableInfo(ExecutableInfo.Format.PE, h.entryPoint(), h.sections(), versionInfo);
    }

    /** The headers, or null when ClamAV would find them broken. */
    static Headers headers(ScanInput in) throws IOException {
        long fileSize = in.size();
        byte[] dos = HeaderBytes.read(in, 0, 2);
        if (dos == null || !((dos[0] == 'M' && dos[1] == 'Z') || (dos[0] == 'Z' && dos[1] == 'M'))) {
            return null;
        }
        byte[] lfanewBytes = HeaderBytes.read(in, 60, 4);
        if (lfanewBytes == null) {
            return null;
        }
        long lfanew = u32le(lfanewBytes, 0);
        if (lfanew == 0) {
            return null;
        }
        byte[] fileHeader = HeaderBytes.read(in, lfanew, FILE_HEADER_SIZE);
        if (fileHeader == null || u32le(fileHeader, 0) != 0x00004550L) {
            return null;
        }
        int sectionCount = u16le(fileHeader, 6);
        int optionalSize = u16le(fileHeader, 20);
        if (sectionCount == 0 || optionalSize < OPTIONAL32_SIZE) {
            return null;
        }
        long at = lfanew + FILE_HEADER_SIZE;
        byte[] optional = HeaderBytes.read(in, at, OPTIONAL32_SIZE);
        if (optional == null) {
            return null;
        }
        int storedSize = OPTIONAL32_SIZE;
        long directoryCount;
        if (u16le(optional, 0) == 0x20b) {
            if (optionalSize < OPTIONAL64_SIZE || HeaderBytes.read(in, at + OPTIONAL32_SIZE, 16) == null) {
                return null;
            }
            optional = HeaderBytes.read(in, at, OPTIONAL64_SIZE);
            storedSize = OPTIONAL64_SIZE;
            directoryCount = u32le(optional, 108);
        } else {
            directoryCount = u32le(optional, 92);
        }
        long entryRva = u32le(optional, 16);
        long sectionAlignment = u32le(optional, 32);
        long fileAlignment = u32le(optional, 36);
        long headerSize = u32le(optional, 60);

        int directoryBytes = (int) Math.min(directoryCount, MAX_DATA_DIRECTORIES) * 8;
        byte[] directories = HeaderBytes.read(in, at + storedSize, directoryBytes);
        if (optionalSize < storedSize + directoryBytes || directories == null) {
            return null;
        }
        long sectionTable = at + optionalSize;
        headerSize = alignUp(headerSize, sectionAlignment);

        byte[] table = HeaderBytes.read(in, sectionTable, sectionCount * SECTION_HEADER_SIZE);
        if (table == null) {
            return null;
        }
        fileAlignment = fallbackFileAlignment(table, sectionCount, fileAlignment);

        List<Section> sections = new ArrayList<>(sectionCount);
        for (int i = 0; i < sectionCount; i++) {
            Section s = section(table, i * SECTION_HEADER_SIZE, sectionAlignment, fileAlignment, fileSize);
            if (s == null) {
                return null;
            }
            sections.add(s);
        }
        long entry = entryFileOffset(entryRva, sections, fileSize, headerSize);
        if (entry < 0) {
            return null;
        }
        long[] dirs = new long[directoryBytes / 4];
        for (int i = 0; i < dirs.length; i++) {
            dirs[i] = u32le(directories, 4 * i);
        }
        return new Headers(List.copyOf(sections), entry, headerSize, storedSize == OPTIONAL64_SIZE, dirs);
    }

    /**
     * ClamAV falls back to 512-byte file alignment when a section with raw data starts on a 512-byte boundary that
     * is not a multiple of the declared alignment.
     */
    private static long fallbackFileAlignment(byte[] table, int count, long fileAlignment) {
        for (int i = 0; fileAlignment != DEFAULT_FILE_ALIGNMENT && i < count; i++) {
            int off = i * SECTION_HEADER_SIZE;
            long rawSize = u32le(table, off + 16);
            long rawPointer = u32le(table, off + 20);
            if (fileAlignment != 0 && rawSize != 0 && rawPointer % fileAlignment != 0
                    && rawPointer % DEFAULT_FILE_ALIGNMENT == 0) {
                fileAlignment = DEFAULT_FILE_ALIGNMENT;
            }
        }
        return fileAlignment;
    }

    /** One section with ClamAV's rounding and clipping, or null when a value has the sign bit set (broken PE). */
    private static Section section(byte[] t, int off, long sectionAlignment, long fileAlignment, long fileSize) {
        String name = HeaderBytes.name(t, off, 8);
        long virtualSizeRaw = u32le(t, off + 8);
        long virtualAddressRaw = u32le(t, off + 12);
        long rawSizeDeclared = u32le(t, off + 16);
        long rawPointer = u32le(t, off + 20);

        long virtualAddress = alignDown(virtualAddressRaw, sectionAlignment);
        long virtualSize = alignUp(virtualSizeRaw, sectionAlignment);
        long rawOffset = alignDown(rawPointer, fileAlignment);
        long rawSize = alignUp(rawSizeDeclared, fileAlignment);
        long rawSizeUnaligned = rawSizeDeclared;

        if (rawSize != 0) {
            if (rawOffset >= fileSize || rawPointer >= fileSize) {
                rawSize = 0;
                rawSizeUnaligned = 0;
            } else {
                if (!containedFromZero(fileSize, rawOffset, rawSize)) {
                    rawSize = (fileSize - rawOffset) & U32;
                }
                if (!containedFromZero(fileSize, rawPointer, rawSizeUnaligned)) {
                    rawSizeUnaligned = (fileSize - rawPointer) & U32;
                }
            }
        }
        if (virtualSize == 0 && rawSize != 0) {
            virtualSize = alignUp(rawSizeUnaligned, sectionAlignment);
        }
        if ((virtualAddressRaw >>> 31) != 0 || (virtualSizeRaw >>> 31) != 0
                || (rawSize != 0 && (rawPointer >>> 31) != 0) || (rawSizeUnaligned >>> 31) != 0) {
            return null;
        }
        return new Section(name, rawOffset, rawSize, virtualAddress, virtualSize);
    }

    /** ClamAV's {@code cli_rawaddr}: -1 when the entry point maps to no file offset. */
    static long entryFileOffset(long rva, List<Section> sections, long fileSize, long headerSize) {
        if (rva < headerSize) {
            return rva >= fileSize ? -1 : rva;
        }
        for (int i = sections.size() - 1; i >= 0; i--) {
            Section s = sections.get(i);
            if (s.rawSize() != 0 && s.virtualAddress() <= rva && s.rawSize() > rva - s.virtualAddress()) {
                return (rva - s.virtualAddress() + s.rawOffset()) & U32;
            }
        }
        return -1;
    }

    private static boolean containedFromZero(long outerSize, long start, long length) {
        return outerSize > 0 && length > 0 && length <= outerSize && start + length <= outerSize && start < outerSize;
    }

    static long alignDown(long value, long alignment) {
        return alignment == 0 ? value : (value / alignment) * alignment;
    }

    /** Rounds up in 32-bit arithmetic, wrapping as ClamAV's macro does for values near 2^32. */
    static long alignUp(long value, long alignment) {
        if (alignment == 0) {
            return value;
        }
        long blocks = value / alignment + (value % alignment != 0 ? 1 : 0);
        return (blocks * alignment) & U32;
    }
}
