package dev.vigil.engine.exe;

/** One section (PE), section header (ELF) or segment/section (Mach-O) as file ranges and virtual addresses. */
public record Section(String name, long rawOffset, long rawSize, long virtualAddress, long virtualSize) {
}
