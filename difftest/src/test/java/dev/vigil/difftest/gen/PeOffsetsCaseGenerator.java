package dev.vigil.difftest.gen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Every ndb offset form (absolute with and without shift, EOF-n, EP+n, EP-n, Sx+n, SL+n, SEx) on a small PE32 file
 * built here, plus PE section hashes (.mdb/.msb, exact size, wrong size, size {@code *}), with hits and near misses.
 * A second PE whose entry point is one byte later turns the EP signatures into near misses.
 */
public final class PeOffsetsCaseGenerator implements CaseGenerator {
    static final int FILE_ALIGN = 0x200;
    static final int SECTIONS = 3;
    static final byte[] EP_CODE = ascii("\u0055VIGIL-EP-CODE");
    static final byte[] TEXT_START = ascii("VIGIL-TEXT-START");
    static final byte[] DATA_MARK = ascii("VIGIL-DATA-MARK");
    static final byte[] LAST_MARK = ascii("VIGIL-LAST-SECTION");
    static final byte[] END_MARK = ascii("VIGIL-FILE-END!!");

    @Override
    public String name() {
        return "gen-clamav-pe-offsets";
    }

    @Override
    public void generate(Path caseDir) throws IOException {
        byte[] pe = pe(0x1010);
        Path in = Files.createDirectories(caseDir.resolve("inputs"));
        Files.write(in.resolve("vigil-pe.exe"), pe);
        Files.write(in.resolve("vigil-pe-ep-moved.exe"), pe(0x1011));
        // the same bytes in a file that is not a PE: executable offsets cannot apply
        byte[] notPe = pe.clone();
        notPe[0] = 'X';
        Files.write(in.resolve("not-a-pe.bin"), notPe);

        HexFormat h = HexFormat.of();
        String ep = h.formatHex(EP_CODE);
        String epTail = h.formatHex(Arrays.copyOfRange(EP_CODE, 3, EP_CODE.length));
        StringBuilder ndb = new StringBuilder();
        ndb.append("Vigil.Pe.EpExact:1:EP+0:").append(ep).append('\n');
        ndb.append("Vigil.Pe.EpPlus:1:EP+3:").append(epTail).append('\n');
        ndb.append("Vigil.Pe.EpPlusMiss:1:EP+4:").append(epTail).append('\n');
        ndb.append("Vigil.Pe.EpMinus:1:EP-16:").append(h.formatHex(TEXT_START)).append('\n');
        ndb.append("Vigil.Pe.EpShift:1:EP+0,8:").append(epTail).append('\n');
        ndb.append("Vigil.Pe.EpShiftMiss:1:EP+0,2:").append(epTail).append('\n');
        ndb.append("Vigil.Pe.ElfTargetEp:6:EP+0:").append(ep).append('\n');
        ndb.append("Vigil.Pe.Section0:1:S0+0:").append(h.formatHex(TEXT_START)).append('\n');
        ndb.append("Vigil.Pe.Section1:1:S1+32:").append(h.formatHex(DATA_MARK)).append('\n');
        ndb.append("Vigil.Pe.Section1Miss:1:S1+31:").append(h.formatHex(DATA_MARK)).append('\n');
        ndb.append("Vigil.Pe.Section1Shift:1:S1+30,2:").append(h.formatHex(DATA_MARK)).append('\n');
        ndb.append("Vigil.Pe.Section7:1:S7+0:").append(h.formatHex(DATA_MARK)).append('\n');
        ndb.append("Vigil.Pe.LastSection:1:SL+0:").append(h.formatHex(LAST_MARK)).append('\n');
        ndb.append("Vigil.Pe.LastSectionMiss:1:SL+1:").append(h.formatHex(LAST_MARK)).append('\n');
        ndb.append("Vigil.Pe.InSection1:1:SE1:").append(h.formatHex(DATA_MARK)).append('\n');
        ndb.append("Vigil.Pe.InSection0Miss:1:SE0:").append(h.formatHex(DATA_MARK)).append('\n');
        ndb.append("Vigil.Pe.FromEnd:1:EOF-16:").append(h.formatHex(END_MARK)).append('\n');
        ndb.append("Vigil.Pe.FromEndMiss:1:EOF-17:").append(h.formatHex(END_MARK)).append('\n');
        ndb.append("Vigil.Any.FromEnd:0:EOF-16:").append(h.formatHex(END_MARK)).append('\n');
        ndb.append("Vigil.Any.FromEndShift:0:EOF-20,4:").append(h.formatHex(END_MARK)).append('\n');
        ndb.append("Vigil.Any.Absolute:0:528:").append(ep).append('\n');
        ndb.append("Vigil.Any.AbsoluteMiss:0:527:").append(ep).append('\n');
        ndb.append("Vigil.Any.AbsoluteShift:0:520,8:").append(ep).append('\n');
        ndb.append("Vigil.Pe.Absolute:1:528:").append(ep).append('\n');
        ndb.append("Vigil.Pe.AbsoluteWild:1:528:").append(ep, 0, 6).append("??").append(ep, 8, ep.length()).append('\n');
        ndb.append("Vigil.Any.AnchoredWildcard:0:528:").append(ep, 0, 4).append("{2}").append(ep, 8, ep.length()).append('\n');
        Files.writeString(caseDir.resolve("offsets.ndb"), ndb.toString(), StandardCharsets.US_ASCII);

        byte[] text = Arrays.copyOfRange(pe, FILE_ALIGN, 2 * FILE_ALIGN);
        byte[] data = Arrays.copyOfRange(pe, 2 * FILE_ALIGN, 3 * FILE_ALIGN);
        byte[] last = Arrays.copyOfRange(pe, 3 * FILE_ALIGN, 4 * FILE_ALIGN);
        Files.writeString(caseDir.resolve("sections.mdb"),
                FILE_ALIGN + ":" + HashAndIgnoreCaseGenerator.hex("MD5", data) + ":Vigil.Section.DataMd5\n"
                + (FILE_ALIGN - 1) + ":" + HashAndIgnoreCaseGenerator.hex("MD5", text) + ":Vigil.Section.WrongSize\n"
                + "*:" + HashAndIgnoreCaseGenerator.hex("MD5", last) + ":Vigil.Section.LastAnySize:73\n",
                StandardCharsets.US_ASCII);
        Files.writeString(caseDir.resolve("sections.msb"),
                FILE_ALIGN + ":" + HashAndIgnoreCaseGenerator.hex("SHA-256", text) + ":Vigil.Section.TextSha256\n"
                + FILE_ALIGN + ":" + HashAndIgnoreCaseGenerator.hex("SHA-1", last) + ":Vigil.Section.LastSha1\n",
                StandardCharsets.US_ASCII);
    }

    /** A minimal PE32 executable: headers, .text (entry point inside), .data, .vigil; file alignment 0x200. */
    static byte[] pe(int entryRva) {
        ByteBuffer b = ByteBuffer.allocate(4 * FILE_ALIGN).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, ascii("MZ"));
        b.putInt(0x3c, 0x80);
        b.put(0x80, ascii("PE\0\0"));
        int coff = 0x84;
        b.putShort(coff, (short) 0x014c);
        b.putShort(coff + 2, (short) SECTIONS);
        b.putShort(coff + 16, (short) 0xe0);
        b.putShort(coff + 18, (short) 0x0102);
        int opt = coff + 20;
        b.putShort(opt, (short) 0x10b);
        b.putInt(opt + 4, FILE_ALIGN);
        b.putInt(opt + 8, 2 * FILE_ALIGN);
        b.putInt(opt + 16, entryRva);
        b.putInt(opt + 20, 0x1000);
        b.putInt(opt + 24, 0x2000);
        b.putInt(opt + 28, 0x400000);
        b.putInt(opt + 32, 0x1000);
        b.putInt(opt + 36, FILE_ALIGN);
        b.putShort(opt + 40, (short) 4);
        b.putShort(opt + 48, (short) 4);
        b.putInt(opt + 56, 0x4000);
        b.putInt(opt + 60, FILE_ALIGN);
        b.putShort(opt + 68, (short) 2);
        b.putInt(opt + 72, 0x100000);
        b.putInt(opt + 76, 0x1000);
        b.putInt(opt + 80, 0x100000);
        b.putInt(opt + 84, 0x1000);
        b.putInt(opt + 92, 16);
        int sec = opt + 0xe0;
        String[] names = {".text", ".data", ".vigil"};
        int[] flags = {0x60000020, 0xc0000040, 0x40000040};
        for (int i = 0; i < SECTIONS; i++) {
            int s = sec + 40 * i;
            b.put(s, ascii(names[i]));
            b.putInt(s + 8, FILE_ALIGN);
            b.putInt(s + 12, 0x1000 * (i + 1));
            b.putInt(s + 16, FILE_ALIGN);
            b.putInt(s + 20, FILE_ALIGN * (i + 1));
            b.putInt(s + 36, flags[i]);
        }
        b.put(FILE_ALIGN, TEXT_START);
        b.put(FILE_ALIGN + 0x10, EP_CODE);
        b.put(2 * FILE_ALIGN + 0x20, DATA_MARK);
        b.put(3 * FILE_ALIGN, LAST_MARK);
        b.put(4 * FILE_ALIGN - END_MARK.length, END_MARK);
        return b.array();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
