package dev.vigil.clamav.ldb;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.filetype.TargetType;
import dev.vigil.engine.ir.OffsetSpec;

/**
 * Parses a subsignature offset with the load-time rules of libclamav's {@code cli_caloff}: {@code *}, {@code n},
 * {@code EOF-n}, {@code EP+n}, {@code EP-n}, {@code Sx+n}, {@code SEx}, {@code SL+n}, {@code VI}, {@code $n$},
 * each but {@code *} with an optional {@code ,maxshift}; at most 64 characters; executable-relative forms
 * (and {@code VI}) only for targets 1, 6 and 9.
 */
final class LdbOffsets {
    private static final int MAX_LENGTH = 64;
    private static final int MAX_MACRO_GROUPS = 32;

    private LdbOffsets() {
    }

    static OffsetSpec parse(String offset, int target) throws SignatureSyntaxException {
        if (offset.equals("*")) {
            return new OffsetSpec.Any();
        }
        if (offset.length() > MAX_LENGTH) {
            throw new SignatureSyntaxException("offset longer than 64 characters");
        }
        String body = offset;
        long shift = 0;
        int comma = offset.indexOf(',');
        if (comma >= 0) {
            String s = offset.substring(comma + 1);
            if (!CNumbers.isNumber(s)) {
                throw new SignatureSyntaxException("invalid offset shift in '" + offset + "'");
            }
            shift = CNumbers.atoiUnsigned(s);
            body = offset.substring(0, comma);
        }
        OffsetSpec spec;
        boolean executableOnly = true;
        if (body.startsWith("EP+") || body.startsWith("EP-")) {
            long n = number(body.substring(3), offset);
            spec = new OffsetSpec.EntryPoint(body.charAt(2) == '+' ? n : -n, shift);
        } else if (body.startsWith("S")) {
            if (body.startsWith("SE")) {
                spec = new OffsetSpec.InSection((int) number(body.substring(2), offset), shift);
            } else if (offset.startsWith("SL+")) {
                spec = new OffsetSpec.LastSection(number(body.substring(3), offset), shift);
            } else {
                CNumbers.Scan section = CNumbers.scanUnsigned(body, 1);
                if (!section.ok() || section.end() >= body.length() || body.charAt(section.end()) != '+') {
                    throw new SignatureSyntaxException("invalid offset '" + offset + "'");
                }
                CNumbers.Scan delta = CNumbers.scanUnsigned(body, section.end() + 1);
                if (!delta.ok()) {
                    throw new SignatureSyntaxException("invalid offset '" + offset + "'");
                }
                spec = new OffsetSpec.SectionStart((int) section.value(), delta.value(), shift);
            }
        } else if (body.startsWith("EOF-")) {
            spec = new OffsetSpec.FromEnd(number(body.substring(4), offset), shift);
            executableOnly = false;
        } else if (body.startsWith("VI")) {
            spec = new OffsetSpec.VersionInfo();
        } else if (body.indexOf('$') >= 0) {
            CNumbers.Scan group = body.startsWith("$") ? CNumbers.scanUnsigned(body, 1) : null;
            if (group == null || !group.ok()) {
                throw new SignatureSyntaxException("invalid macro offset '" + offset + "'");
            }
            if (group.value() >= MAX_MACRO_GROUPS) {
                throw new SignatureSyntaxException("macro group must be below 32 in '" + offset + "'");
            }
            spec = new OffsetSpec.MacroGroup((int) group.value());
            executableOnly = false;
        } else {
            spec = new OffsetSpec.Absolute(number(body, offset), shift);
            executableOnly = false;
        }
        if (executableOnly && !TargetType.isExecutable(target)) {
            throw new SignatureSyntaxException("offset '" + offset + "' needs target 1, 6 or 9");
        }
        return spec;
    }

    private static long number(String digits, String offset) throws SignatureSyntaxException {
        if (!CNumbers.isNumber(digits)) {
            throw new SignatureSyntaxException("invalid offset value in '" + offset + "'");
        }
        return CNumbers.atoiUnsigned(digits);
    }
}
