package dev.vigil.engine.filetype;

import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.AnyBytes;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the subset of ClamAV's hex body syntax used by the built-in magic table: hex bytes, {@code ??}, nibble
 * wildcards, {@code *}, {@code {n}}, {@code {n-m}}, {@code {-n}}, {@code {n-}} and {@code (aa|bb)} alternatives.
 * As in ClamAV, {@code {n}} below 128 stays inside a part as n wildcard bytes; other ranges split parts.
 * The full reader for signature databases lives in the clamav module; this one only serves the engine's own table.
 */
final class MagicPatternSyntax {
    private static final int INLINE_GAP_LIMIT = 128;

    private MagicPatternSyntax() {
    }

    static BodyPattern parse(String hex) {
        List<Part> parts = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        List<PatternNode> nodes = new ArrayList<>();
        int i = 0;
        while (i < hex.length()) {
            char c = hex.charAt(i);
            if (c == '*') {
                parts.add(new Part(nodes));
                nodes = new ArrayList<>();
                gaps.add(Gap.ANY);
                i++;
            } else if (c == '{') {
                int close = hex.indexOf('}', i);
                Gap gap = range(hex.substring(i + 1, close));
                if (gap.bounded() && gap.min() == gap.max() && gap.min() < INLINE_GAP_LIMIT) {
                    nodes.add(new AnyBytes((int) gap.min(), (int) gap.max()));
                } else {
                    parts.add(new Part(nodes));
                    nodes = new ArrayList<>();
                    gaps.add(gap);
                }
                i = close + 1;
            } else if (c == '(') {
                int close = hex.indexOf(')', i);
                List<List<PatternNode>> options = new ArrayList<>();
                for (String option : hex.substring(i + 1, close).split("\\|")) {
                    options.add(bytes(option));
                }
                nodes.add(new Alternation(options, false));
                i = close + 1;
            } else {
                nodes.add(byteSet(hex.charAt(i), hex.charAt(i + 1)));
                i += 2;
            }
        }
        parts.add(new Part(nodes));
        return new BodyPattern(parts, gaps);
    }

    /** ClamAV's offset field for type-1 magic: {@code *}, {@code n}, {@code n,shift} or {@code EOF-n}. */
    static OffsetSpec placement(String offset) {
        if (offset.equals("*")) {
            return new OffsetSpec.Any();
        }
        long shift = 0;
        int comma = offset.indexOf(',');
        if (comma >= 0) {
            shift = Long.parseLong(offset.substring(comma + 1));
            offset = offset.substring(0, comma);
        }
        if (offset.startsWith("EOF-")) {
            return new OffsetSpec.FromEnd(Long.parseLong(offset.substring(4)), shift);
        }
        return new OffsetSpec.Absolute(Long.parseLong(offset), shift);
    }

    static byte[] literal(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    private static List<PatternNode> bytes(String hex) {
        List<PatternNode> out = new ArrayList<>();
        for (int i = 0; i < hex.length(); i += 2) {
            out.add(byteSet(hex.charAt(i), hex.charAt(i + 1)));
        }
        return out;
    }

    private static ByteSet byteSet(char high, char low) {
        if (high == '?' && low == '?') {
            return ByteSet.ANY;
        }
        if (high == '?') {
            return ByteSet.lowNibble(Character.digit(low, 16));
        }
        if (low == '?') {
            return ByteSet.highNibble(Character.digit(high, 16));
        }
        return ByteSet.of(Character.digit(high, 16) << 4 | Character.digit(low, 16));
    }

    private static Gap range(String spec) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            long n = Long.parseLong(spec);
            return new Gap(n, n);
        }
        String lo = spec.substring(0, dash);
        String hi = spec.substring(dash + 1);
        return new Gap(lo.isEmpty() ? 0 : Long.parseLong(lo), hi.isEmpty() ? Gap.UNBOUNDED : Long.parseLong(hi));
    }
}
