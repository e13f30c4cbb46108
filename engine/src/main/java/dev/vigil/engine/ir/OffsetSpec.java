package dev.vigil.engine.ir;

import dev.vigil.engine.exe.ExecutableInfo;
import dev.vigil.engine.exe.Section;

/**
 * Where a body pattern's match must start (ClamAV's offset field). Every form but {@link Any} and {@link InSection}
 * takes a {@code shift}: the match may start anywhere in {@code [offset, offset + shift]}.
 */
public sealed interface OffsetSpec {

    /** A resolved window of allowed start offsets, both ends inclusive. */
    record Window(long from, long to) {
        public boolean contains(long offset) {
            return offset >= from && offset <= to;
        }
    }

    /**
     * The allowed start offsets for a file of {@code size} bytes, or {@code null} when this offset cannot apply
     * (it needs executable headers that are absent, names a section that does not exist, or falls outside the file).
     */
    Window resolve(long size, ExecutableInfo exe);

    private static Window window(long base, long shift, long size) {
        if (base < 0 || base > size) {
            return null;
        }
        return new Window(base, base + shift);
    }

    record Any() implements OffsetSpec {
        @Override
        public Window resolve(long size, ExecutableInfo exe) {
            return new Window(0, Long.MAX_VALUE);
        }
    }

    record Absolute(long offset, long shift) implements OffsetSpec {
        @Override
        public Window resolve(long size, ExecutableInfo exe) {
            return new Window(offset, offset + shift);
        }
    }

    /** {@code EOF-n}. */
    record FromEnd(long distance, long shift) implements OffsetSpec {
        @Override
        public Window resolve(long size, ExecutableInfo exe) {
            return window(size - distance, shift, size);
        }
    }

    /** {@code EP+n} / {@code EP-n}: relative to the entry point's file offset. */
    record EntryPoint(long delta, long shift) implements OffsetSpec {
        @Override
        public Window resolve(long size, ExecutableInfo exe) {
            if (exe == null || exe.entryPoint() < 0) {
                return null;
            }
            return window(exe.entryPoint() + delta, shift, size);
        }
    }

    /** {@code Sx+n}: relative to the start of section x (0-based) in the file. */
    record SectionStart(int section, long delta, long shift) implements OffsetSpec {
        @Override
        public Window resolve(long size, ExecutableInfo exe) {
            if (exe == null || section < 0 || section >= exe.sections().size()) {
                return null;
            }
            return window(exe.sections().get(section).rawOffset() + delta, shift, size);
        }
    }

    /** {@code SL+n}: relative to the start of the last section. */
    record LastSection(long delta, long shift) implements OffsetSpec {
        @Override
        public Window resolve(long size, ExecutableInfo exe) {
            if (exe == null || exe.sections().isEmpty()) {
                return null;
            }
            Section last = exe.sections().get(exe.sections().size() - 1);
            return window(last.rawOffset() + delta, shift, size);
        }
    }

    /**
     * {@code SEx[,shift]}: a start from the beginning of section x up to its raw size plus the shift past it
     * (ClamAV's window is inclusive at both ends, so a match may start right after the section's last byte).
     */
    record InSection(int section, long shift) implements OffsetSpec {
        public InSection(int section) {
            this(section, 0);
        }

        @Override
        public Window resolve(long size, ExecutableInfo exe) {
            if (exe == null || section < 0 || section >= exe.sections().size()) {
                return null;
            }
            Section s = exe.sections().get(section);
            return new Window(s.rawOffset(), s.rawOffset() + Math.max(0, s.rawSize()) + shift);
        }
    }

    /** {@code VI}: matched against the PE version-information strings, not the raw file. */
    record VersionInfo() implements OffsetSpec {
        @Override
        public Window resolve(long size, ExecutableInfo exe) {
            return null;
        }
    }

    /** {@code $n$}: a member of macro group n, only usable through an ldb macro subsignature. */
    record MacroGroup(int group) implements OffsetSpec {
        @Override
        public Window resolve(long size, ExecutableInfo exe) {
            return null;
        }
    }
}
