package dev.vigil.difftest;

/**
 * How clamscan treats PE files for one group of inputs. clamscan cannot parse a PE without also scanning what the
 * parser finds inside it (InstallShield overlays are scanned unconditionally in its PE parser), so inputs that wrap
 * other files are scanned with PE parsing off, and plain inputs with it on (section and import hashes, icons and
 * version info need the parser).
 */
public enum PeMode {
    /** PE parsing on, its unpackers and embedded-PE scanning off: for inputs that wrap nothing. */
    PARSE,
    /** {@code --scan-pe=no}: for packed executables, archives, documents, mail and other wrappings. */
    OFF
}
