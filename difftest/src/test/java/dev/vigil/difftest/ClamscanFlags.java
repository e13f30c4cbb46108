package dev.vigil.difftest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The clamscan options of the comparison. TEMPORARY: Vigil does not unpack containers yet (the unpacker issue), so
 * clamscan must not look inside them either, or every wrapped test file would differ for a reason that is already
 * known. Each flag below was found necessary by scanning ClamAV's 60 wrapped copies of its test program
 * ({@code clamav_hdb_scanfiles}) with {@code clamav.hdb} (a hash of the inner program only) and removing one flag at
 * a time: without it, the number of wrapped files still reported grows. Remove this restriction when Vigil unpacks.
 */
public final class ClamscanFlags {

    /** Flags for every group: formats whose parsers extract or normalise content and scan it as a nested layer. */
    public static final List<String> NO_NESTED_SCANNING = List.of(
            "--scan-archive=no",   // zip, rar, 7z, arj, cab, chm, cpio, tar, gz, bz2, iso, sis, nsis, autoit, ...
            "--scan-mail=no",      // mbox/eml/tnef attachments, uuencode, binhex
            "--scan-ole2=no",      // OLE2 (doc, ppt, msi) streams and VBA
            "--scan-pdf=no",       // PDF objects and streams
            "--scan-swf=no",       // decompressed Flash
            "--scan-xmldocs=no",   // OOXML / MS-XML documents
            "--scan-hwp3=no",      // Hangul documents
            "--scan-onenote=no",   // embedded OneNote files
            "--scan-image=no",     // image parsers and fuzzy image hashes
            "--scan-elf=no");      // ELF unpacking

    /**
     * With PE parsing on: {@code --max-embeddedpe=1} stops the scan of PE files found at an offset inside another
     * file (test.exe otherwise reports each section hash nine times, once per embedded copy).
     */
    public static final List<String> PE_PARSE = List.of("--max-embeddedpe=1");

    /** With PE parsing off: the only switch that also stops InstallShield-overlay and unpacker scanning. */
    public static final List<String> PE_OFF = List.of("--scan-pe=no");

    /**
     * An engine-configuration database (ClamAV "DCONF", {@code .cfg}) loaded last with PE parsing on. It turns off
     * every PE unpacker (UPX, FSG, Petite, PESpin, yC, WWPack, NsPack, MEW, Upack, ASPack) and every archive parser
     * while keeping section hashes (0x10), the catalog (0x10000), certificates (0x20000), icon matching (0x40000) and
     * the import table (0x80000). Loaded last, it overrides any {@code .cfg} among the case's own databases.
     */
    static final String NO_UNPACK_DCONF = """
            # Vigil differential test: PE parsing without unpackers, no archive parsers
            PE:0xf0010:0:255
            ARCHIVE:0x0:0:255
            """;

    private ClamscanFlags() {
    }

    /** The full option list for one clamscan invocation (without databases and inputs). */
    public static List<String> forGroup(PeMode mode, boolean allMatch, Path scratch) throws IOException {
        List<String> args = new ArrayList<>(List.of("--no-summary", "--recursive"));
        if (allMatch) {
            args.add("--allmatch");
        }
        args.addAll(NO_NESTED_SCANNING);
        if (mode == PeMode.PARSE) {
            args.addAll(PE_PARSE);
            args.add("--database=" + noUnpackDconf(scratch));
        } else {
            args.addAll(PE_OFF);
        }
        return args;
    }

    private static Path noUnpackDconf(Path scratch) throws IOException {
        Path cfg = scratch.resolve("vigil-no-unpack.cfg");
        if (!Files.exists(cfg)) {
            Files.writeString(cfg, NO_UNPACK_DCONF);
        }
        return cfg;
    }
}
