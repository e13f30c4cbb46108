package dev.vigil.clamav.hex;

import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.PatternNode;

import java.util.ArrayList;
import java.util.List;

/** One parenthesised element of a hex part: an alternation or a character-class marker. */
sealed interface Special {

    /** The nodes standing for this special in the middle of a part. */
    List<PatternNode> nodes();

    /** {@code (aa|bb)} or {@code !(aa|bb)}: one byte. {@code count} is the number of alternatives written. */
    record CharSet(ByteSet set, int count, boolean negative) implements Special {
        @Override
        public List<PatternNode> nodes() {
            return List.of(negative ? set.complement() : set);
        }
    }

    /** {@code (aabb|ccdd)} or its negation: alternatives of one fixed length. */
    record FixedStrings(List<byte[]> strings, boolean negative) implements Special {
        @Override
        public List<PatternNode> nodes() {
            List<List<PatternNode>> alts = new ArrayList<>(strings.size());
            for (byte[] s : strings) {
                List<PatternNode> seq = new ArrayList<>(s.length);
                for (byte b : s) {
                    seq.add(ByteSet.of(b & 0xff));
                }
                alts.add(seq);
            }
            return List.of(new Alternation(alts, negative));
        }
    }

    /** Generic alternatives: variable length, wildcards allowed, never negated. */
    record Generic(List<int[]> alternatives) implements Special {
        @Override
        public List<PatternNode> nodes() {
            List<List<PatternNode>> alts = new ArrayList<>(alternatives.size());
            for (int[] codes : alternatives) {
                List<PatternNode> seq = new ArrayList<>(codes.length);
                HexCodes.addAll(seq, codes);
                alts.add(seq);
            }
            return List.of(new Alternation(alts, false));
        }
    }

    /** {@code (B)}, {@code (L)}, {@code (W)}, possibly negated with {@code !}. */
    record Marker(char kind, boolean negative) implements Special {

        /** Consumed in the middle of a part: one byte of the class ({@code (L)}: LF or CRLF). */
        @Override
        public List<PatternNode> nodes() {
            return switch (kind) {
                case 'B' -> List.of(negative ? CharClasses.BOUNDARY.complement() : CharClasses.BOUNDARY);
                case 'W' -> List.of(negative ? CharClasses.ALNUM : CharClasses.ALNUM.complement());
                default -> List.of(negative ? CharClasses.notLineEnd() : CharClasses.lineEnd());
            };
        }

        /** Zero-width check before the part's first byte. */
        PatternNode leftCheck() {
            ByteSet set = switch (kind) {
                case 'B' -> CharClasses.BOUNDARY_LEFT;
                case 'W' -> CharClasses.ALNUM.complement();
                default -> ByteSet.of('\n');
            };
            return negative ? new LookAround(true, set.complement(), false, false)
                    : new LookAround(true, set, true, false);
        }

        /** Zero-width check after the part's last byte. */
        PatternNode rightCheck() {
            return switch (kind) {
                case 'B' -> negative ? new LookAround(false, CharClasses.BOUNDARY_RIGHT.complement(), false, false)
                        : new LookAround(false, CharClasses.BOUNDARY_RIGHT, true, false);
                case 'W' -> negative ? new LookAround(false, CharClasses.ALNUM, false, false)
                        : new LookAround(false, CharClasses.ALNUM.complement(), true, false);
                default -> negative ? CharClasses.notLineEndAhead()
                        : new LookAround(false, ByteSet.of('\n'), true, true);
            };
        }
    }
}
