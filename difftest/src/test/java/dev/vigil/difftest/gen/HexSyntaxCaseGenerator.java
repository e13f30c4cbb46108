package dev.vigil.difftest.gen;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Every element of ClamAV's hex body syntax, each as one .ndb signature (target 0, any offset) with an input that
 * should match and one that differs only where the element decides (a near miss). Inputs are text-free binary
 * around the probe so that file typing never changes which signatures apply.
 */
public final class HexSyntaxCaseGenerator implements CaseGenerator {

    /** A signature and two probes: one meant to match, one meant to miss. */
    record Probe(String name, String hex, String hit, String miss) {
    }

    static List<Probe> probes() {
        List<Probe> p = new ArrayList<>();
        p.add(new Probe("Literal", "5649474c2d4c4954", "5649474c2d4c4954", "5649474c2d4c4955"));
        p.add(new Probe("UpperCaseHex", "5649474C2D554348", "5649474c2d554348", "5649474c2d554349"));
        p.add(new Probe("AnyByte", "56494754??2d4142", "56494754ff2d4142", "5649475400ff2d41"));
        p.add(new Probe("HighNibble", "564947542d4e4831a?", "564947542d4e4831a7", "564947542d4e4831b7"));
        p.add(new Probe("LowNibble", "564947542d4e4c31?7", "564947542d4e4c31b7", "564947542d4e4c31b8"));
        p.add(new Probe("ShortGap", "564947542d5347{3}5a5a", "564947542d5347010203" + "5a5a", "564947542d53470102" + "5a5a"));
        p.add(new Probe("Star", "564947542d5354*5a5a5a", "564947542d5354" + "00".repeat(300) + "5a5a5a", "5a5a5a00564947542d5354"));
        p.add(new Probe("LongGap", "564947542d4c47{200}5b5b5b", "564947542d4c47" + "00".repeat(200) + "5b5b5b",
                "564947542d4c47" + "00".repeat(199) + "5b5b5b"));
        p.add(new Probe("RangeGap", "564947542d5247{2-4}5c5c", "564947542d524701020304" + "5c5c", "564947542d52470102030405" + "5c5c"));
        p.add(new Probe("AtMostGap", "564947542d4d47{-3}5d5d", "564947542d4d470102" + "5d5d", "564947542d4d4701020304" + "5d5d"));
        p.add(new Probe("AtLeastGap", "564947542d4c5447{4-}5e5e", "564947542d4c5447" + "00".repeat(9) + "5e5e",
                "564947542d4c5447010203" + "5e5e"));
        p.add(new Probe("ZeroGap", "564947542d5a47{0}5f5f", "564947542d5a47" + "00".repeat(50) + "5f5f", "5f5f564947542d5a47"));
        p.add(new Probe("InvertedGap", "564947542d4947{9-3}6060", "564947542d494701020304056060", "564947542d4947" + "00".repeat(12) + "6060"));
        p.add(new Probe("AnchorLeft", "41[1-3]564947542d414c", "410102564947542d414c", "4101020304564947542d414c"));
        p.add(new Probe("AnchorRight", "564947542d4152[2]42", "564947542d4152010242", "564947542d41520142"));
        p.add(new Probe("AnchorBoth", "43[0-1]564947542d4142[1-2]44", "43564947542d41420144", "43564947542d4142010203" + "44"));
        p.add(new Probe("AltByte", "564947542d4142(31|32|33)", "564947542d414232", "564947542d414234"));
        p.add(new Probe("NotAltByte", "564947542d4e41!(31|32)", "564947542d4e4139", "564947542d4e4131"));
        p.add(new Probe("AltString", "564947542d4153(3132|3334)3535", "564947542d4153333435" + "35", "564947542d4153313435" + "35"));
        p.add(new Probe("NotAltString", "564947542d4e53!(3132|3334)3535", "564947542d4e53313335" + "35", "564947542d4e53333435" + "35"));
        p.add(new Probe("AltGeneric", "564947542d4147(31|3233|3?34)3535", "564947542d414732333535", "564947542d414733333535"));
        p.add(new Probe("AltNested", "564947542d414e(31(32|33)|34)3535", "564947542d414e3133" + "3535", "564947542d414e3135" + "3535"));
        p.add(new Probe("AltOptional", "564947542d414f(3132|)3535", "564947542d414f" + "3535", "564947542d414f3133" + "3535"));
        p.add(new Probe("AltWithShortGap", "564947542d4157(31{2}|32)3535", "564947542d415731ffff" + "3535", "564947542d415731ff" + "3535"));
        p.add(new Probe("BoundaryLeft", "(B)564947542d424c", "20564947542d424c", "41564947542d424c"));
        p.add(new Probe("BoundaryRight", "564947542d4252(B)", "564947542d42523d", "564947542d42522e"));
        p.add(new Probe("BoundaryMiddle", "564947542d424d(B)4142", "564947542d424d2f4142", "564947542d424d414142"));
        p.add(new Probe("NotBoundaryEnd", "564947542d4e4245!(B)", "564947542d4e424541", "564947542d4e424520"));
        p.add(new Probe("LineLeft", "(L)564947542d4c4c", "0a564947542d4c4c", "0d564947542d4c4c"));
        p.add(new Probe("LineRight", "564947542d4c52(L)", "564947542d4c520d0a", "564947542d4c520d41"));
        p.add(new Probe("LineMiddle", "564947542d4c4d(L)4142", "564947542d4c4d0d0a4142", "564947542d4c4d0d4142"));
        p.add(new Probe("WordLeft", "(W)564947542d574c", "2d564947542d574c", "7a564947542d574c"));
        p.add(new Probe("WordRight", "564947542d5752(W)", "564947542d575221", "564947542d575239"));
        p.add(new Probe("WordMiddle", "564947542d574d(W)4142", "564947542d574d404142", "564947542d574d5a4142"));
        p.add(new Probe("NotWordMiddle", "564947542d4e574d!(W)4142", "564947542d4e574d5a4142", "564947542d4e574d404142"));
        p.add(new Probe("ZeroPrefix", "0000564947542d5a50", "0000564947542d5a50", "0100564947542d5a50"));
        p.add(new Probe("WildcardPrefix", "????564947542d5750", "ffff564947542d5750", "ff564947542d5750"));
        return p;
    }

    @Override
    public String name() {
        return "gen-clamav-hex-syntax";
    }

    @Override
    public void generate(Path caseDir) throws IOException {
        HexFormat hex = HexFormat.of();
        StringBuilder ndb = new StringBuilder();
        Path inputs = Files.createDirectories(caseDir.resolve("inputs"));
        for (Probe p : probes()) {
            ndb.append("Vigil.Hex.").append(p.name()).append(":0:*:").append(p.hex()).append('\n');
            Files.write(inputs.resolve(p.name() + "-hit.bin"), wrap(hex.parseHex(p.hit())));
            Files.write(inputs.resolve(p.name() + "-miss.bin"), wrap(hex.parseHex(p.miss())));
        }
        Files.writeString(caseDir.resolve("syntax.ndb"), ndb.toString(), StandardCharsets.US_ASCII);
    }

    /** Binary filler (0x80-0x8f) around the probe: typed as binary data, and neutral for every marker class. */
    static byte[] wrap(byte[] probe) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 64; i++) {
            out.write(0x80 | (i & 0x0f));
        }
        out.writeBytes(probe);
        for (int i = 0; i < 64; i++) {
            out.write(0x8f - (i & 0x0f));
        }
        return out.toByteArray();
    }
}
