package dev.vigil.clamav.ldb;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ::i w a f} modifiers of content subsignatures. ClamAV applies {@code f} and {@code w} by rewriting the
 * hex text before it is parsed, and {@code i} on the parsed pattern; this class does the same, because the rewrite
 * treats spellings differently that parse to the same pattern ({@code ??} gets a NUL after it under {@code w},
 * {@code {1}} does not).
 */
final class ContentModifiers {
    private ContentModifiers() {
    }

    /**
     * Fullword: {@code (W)hex(W)}; every {@code [x-y]} becomes {@code {x-y}} since a range next to a one-byte
     * anchor is no longer allowed once the markers are added.
     */
    static String fullword(String hex) throws SignatureSyntaxException {
        StringBuilder sb = new StringBuilder("(W)").append(hex).append("(W)");
        int from = 0;
        while (true) {
            int open = sb.indexOf("[", from);
            if (open < 0) {
                break;
            }
            sb.setCharAt(open, '{');
            int close = sb.indexOf("]", open);
            if (close < 0) {
                throw new SignatureSyntaxException("fullword: unmatched '[' in pattern");
            }
            sb.setCharAt(close, '}');
            from = close;
        }
        return sb.toString();
    }

    /**
     * Wide: every byte token (literal, {@code ??}, nibble wildcard) is followed by {@code 00}; gaps
     * ({@code *}, {@code {..}}, {@code [x-y]} which becomes {@code {x-y}}), alternation punctuation and the
     * {@code (B) (L) (W)} markers are kept as they are, so gaps count bytes, not characters.
     */
    static String wide(String hex) throws SignatureSyntaxException {
        int n = hex.length();
        StringBuilder out = new StringBuilder(2 * n);
        for (int i = 0; i < n; i++) {
            char c = hex.charAt(i);
            if (c == '*' || c == '|' || c == ')') {
                out.append(c);
            } else if (c == '[') {
                out.append('{');
                i++;
                while (i < n && hex.charAt(i) != ']') {
                    out.append(hex.charAt(i++));
                }
                out.append('}');
            } else if (c == '{') {
                while (i < n && hex.charAt(i) != '}') {
                    out.append(hex.charAt(i++));
                }
                out.append('}');
            } else if (c == '!' || c == '(') {
                if (c == '!') {
                    out.append(c);
                    i++;
                }
                if (i >= n) {
                    throw new SignatureSyntaxException("wide: pattern ends after '!'");
                }
                out.append(hex.charAt(i));
                if (i + 2 >= n) {
                    throw new SignatureSyntaxException("wide: pattern ends inside a group");
                }
                char k = hex.charAt(i + 1);
                if (k == 'B' || k == 'L' || k == 'W') {
                    out.append(k);
                    i += 2;
                    if (hex.charAt(i) != ')') {
                        throw new SignatureSyntaxException("wide: malformed (" + k + ") marker");
                    }
                    out.append(')');
                }
            } else if (i + 1 < n) {
                out.append(c).append(hex.charAt(i + 1)).append("00");
                i++;
            } else {
                // ClamAV writes the lone character and stops at the NUL it copied: the odd digit stays odd
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Nocase: literal letters match both cases; wildcards, sets and markers are left alone. */
    static BodyPattern nocase(BodyPattern pattern) {
        List<Part> parts = new ArrayList<>(pattern.parts().size());
        for (Part p : pattern.parts()) {
            parts.add(new Part(nocase(p.nodes())));
        }
        return new BodyPattern(parts, pattern.gaps());
    }

    private static List<PatternNode> nocase(List<PatternNode> nodes) {
        List<PatternNode> out = new ArrayList<>(nodes.size());
        for (PatternNode node : nodes) {
            out.add(switch (node) {
                case ByteSet b when b.isSingleton() -> ByteSet.caseless(b.singleValue());
                case Alternation a -> {
                    List<List<PatternNode>> alts = new ArrayList<>();
                    for (List<PatternNode> alt : a.alternatives()) {
                        alts.add(nocase(alt));
                    }
                    yield new Alternation(alts, a.negated());
                }
                default -> node;
            });
        }
        return out;
    }
}
