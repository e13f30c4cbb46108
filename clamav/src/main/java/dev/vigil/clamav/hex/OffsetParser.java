package dev.vigil.clamav.hex;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.filetype.TargetType;
import dev.vigil.engine.ir.OffsetSpec;

/**
 * Parses ClamAV's offset field ({@code *}, {@code n}, {@code EOF-n}, {@code EP+n}, {@code EP-n}, {@code Sx+n},
 * {@code SEx}, {@code SL+n}, {@code VI}, {@code $n$}, each but {@code *} with an optional {@code ,shift}) with the
 * leniency of ClamAV 1.4 (an empty number reads as 0, {@code Sx+n} is read by {@code sscanf}).
 */
public final class OffsetParser {
    /** ClamAV refuses longer offset strings. */
    static final int MAX_LENGTH = 64;
    /** Macro groups are numbered below this. */
    static final int MACRO_GROUPS = 32;

    private OffsetParser() {
    }

    /**
     * @param target the signature's target type; executable-relative forms need target 1, 6 or 9
     */
    public static OffsetSpec parse(String offset, int target) throws SignatureSyntaxException {
        if (offset.equals("*")) {
            return new OffsetSpec.Any();
        }
        if (offset.length() > MAX_LENGTH) {
            throw new SignatureSyntaxException("offset string too long");
        }
        String body = offset;
        long shift = 0;
        int comma = offset.indexOf(',');
        if (comma >= 0) {
            String s = offset.substring(comma + 1);
            if (!CText.isNumber(s)) {
                throw new SignatureSyntaxException("invalid offset shift '" + s + "'");
            }
            shift = unsignedAtoi(s);
            body = offset.substring(0, comma);
        }
        OffsetSpec spec;
        boolean executableOnly = true;
        if (body.startsWith("EP+") || body.startsWith("EP-")) {
            long v = number(body.substring(3));
            spec = new OffsetSpec.EntryPoint(body.charAt(2) == '+' ? v : -v, shift);
        } else if (body.startsWith("S")) {
            if (body.startsWith("SE")) {
                spec = new OffsetSpec.InSection((int) number(body.substring(2)), shift);
            } else if (body.startsWith("SL+")) {
                spec = new OffsetSpec.LastSection(number(body.substring(3)), shift);
            } else {
                spec = sectionPlus(body, shift);
            }
        } else if (body.startsWith("EOF-")) {
            spec = new OffsetSpec.FromEnd(number(body.substring(4)), shift);
            executableOnly = false;
        } else if (body.startsWith("VI")) {
            spec = new OffsetSpec.VersionInfo();
        } else if (body.indexOf('$') >= 0) {
            long[] n = new long[1];
            int end = body.startsWith("$") ? CText.scanUnsigned(body, 1, n) : -1;
            if (end < 0) {
                throw new SignatureSyntaxException("invalid macro offset '" + body + "'");
            }
            long group = n[0] & 0xffffffffL;
            if (group >= MACRO_GROUPS) {
                throw new SignatureSyntaxException("at most " + MACRO_GROUPS + " macro groups");
            }
            spec = new OffsetSpec.MacroGroup((int) group);
            executableOnly = false;
        } else {
            spec = new OffsetSpec.Absolute(number(body), shift);
            executableOnly = false;
        }
        if (executableOnly && !TargetType.isExecutable(target)) {
            throw new SignatureSyntaxException("offset " + offset + " is invalid for target " + target);
        }
        return spec;
    }

    private static OffsetSpec sectionPlus(String body, long shift) throws SignatureSyntaxException {
        // sscanf(body, "S%u+%u") == 2
        long[] n = new long[1];
        int p = CText.scanUnsigned(body, 1, n);
        if (p >= 0 && p < body.length() && body.charAt(p) == '+') {
            long section = n[0] & 0xffffffffL;
            if (CText.scanUnsigned(body, p + 1, n) >= 0) {
                return new OffsetSpec.SectionStart((int) Math.min(section, Integer.MAX_VALUE), n[0] & 0xffffffffL, shift);
            }
        }
        throw new SignatureSyntaxException("invalid offset '" + body + "'");
    }

    private static long number(String s) throws SignatureSyntaxException {
        if (!CText.isNumber(s)) {
            throw new SignatureSyntaxException("invalid offset value '" + s + "'");
        }
        return unsignedAtoi(s);
    }

    /** ClamAV stores {@code atoi}'s result in a 32-bit unsigned field. */
    private static long unsignedAtoi(String s) {
        return Integer.toUnsignedLong(CText.atoi(s));
    }
}
