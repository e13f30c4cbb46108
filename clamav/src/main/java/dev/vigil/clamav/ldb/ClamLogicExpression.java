package dev.vigil.clamav.ldb;

import dev.vigil.engine.image.ImageEncodable;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.LogicExpression;

/**
 * A ClamAV logical expression ({@code 0&(1|2)>3,2 ...}) compiled into a tree that evaluates exactly as
 * libclamav's {@code cli_ac_chklsig} does. The tree has the same shape as ClamAV's recursive split of the text:
 * <ul>
 *   <li>an expression is split at its <em>first</em> operator at nesting depth 0 (no precedence:
 *       {@code 0&1|2} is {@code 0&(1|2)});</li>
 *   <li>without one, a parenthesised block followed only by a modifier ({@code (..)>2,1}) is split at its
 *       <em>last</em> operator at depth 1;</li>
 *   <li>a leaf is a subsignature index, optionally with a modifier {@code =X}, {@code >X}, {@code <X}.</li>
 * </ul>
 * A leaf's count is its subsignature's match count; a node's count is the sum of its operands' counts (when it is
 * true). A block modifier compares that sum and, with {@code ,Y}, requires at least Y distinct subsignatures among
 * those that contributed. Quirks kept on purpose: a leaf {@code X=0} that holds still counts as a distinct
 * subsignature; a modified block does not pass its distinct set upwards; counts are unsigned 32-bit.
 */
public final class ClamLogicExpression implements LogicExpression, ImageEncodable {
    /** Deeper nesting is refused rather than risking the Java stack (ClamAV recurses without limit). */
    static final int MAX_DEPTH = 512;

    private final Node root;
    private final int maxSubsignature;
    private final String text;

    private ClamLogicExpression(Node root, int maxSubsignature, String text) {
        this.root = root;
        this.maxSubsignature = maxSubsignature;
        this.text = text;
    }

    /** Parses an expression; fails as ClamAV fails ("Invalid or unsupported ldb logic"). */
    public static ClamLogicExpression parse(String expression) throws SignatureSyntaxException {
        Compiler c = new Compiler(expression);
        Node root = c.compile(0, expression.length(), 0);
        int max = root.maxIndex();
        if (max == -1) {
            throw new SignatureSyntaxException("invalid logical expression '" + expression + "'");
        }
        return new ClamLogicExpression(root, max, expression);
    }

    @Override
    public boolean evaluate(int[] counts) {
        return root.eval(counts, new Acc());
    }

    /**
     * The highest index named, computed as ClamAV does (the maximum over the leaves, compared as signed ints;
     * an index written as a huge or negative number wraps as it does in C).
     */
    @Override
    public int maxSubsignature() {
        return maxSubsignature;
    }

    @Override
    public String imageCodec() {
        return "clamav.logic";
    }

    @Override
    public String imageText() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Count and distinct-subsignature set collected while evaluating one operand. */
    private static final class Acc {
        int count;
        long ids;
    }

    private sealed interface Node permits Leaf, Binary {
        boolean eval(int[] counts, Acc acc);

        int maxIndex();
    }

    private record Leaf(int id, char modifier, int value) implements Node {
        @Override
        public boolean eval(int[] counts, Acc acc) {
            int v = id >= 0 && id < counts.length ? counts[id] : 0;
            if (modifier != 0) {
                boolean ok = switch (modifier) {
                    case '=' -> v == value;
                    case '<' -> Integer.compareUnsigned(v, value) < 0;
                    case '>' -> Integer.compareUnsigned(v, value) > 0;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            } else if (v == 0) {
                return false;
            }
            acc.count += v;
            acc.ids |= 1L << id;
            return true;
        }

        @Override
        public int maxIndex() {
            return id;
        }
    }

    private record Binary(char op, Node left, Node right, char blockModifier, int value, int distinct)
            implements Node {
        @Override
        public boolean eval(int[] counts, Acc acc) {
            Acc l = new Acc();
            Acc r = new Acc();
            boolean lv = left.eval(counts, l);
            boolean rv = right.eval(counts, r);
            boolean result = op == '&' ? lv && rv : lv || rv;
            if (blockModifier == 0) {
                if (result) {
                    acc.count += l.count + r.count;
                    acc.ids |= l.ids | r.ids;
                }
                return result;
            }
            int total = result ? l.count + r.count : 0;
            long ids = result ? l.ids | r.ids : 0;
            boolean ok = switch (blockModifier) {
                case '=' -> total == value;
                case '<' -> Integer.compareUnsigned(total, value) < 0;
                case '>' -> Integer.compareUnsigned(total, value) > 0;
                default -> false;
            };
            if (!ok) {
                return false;
            }
            if (distinct != 0 && Integer.compareUnsigned(Long.bitCount(ids), distinct) < 0) {
                return false;
            }
            acc.count += total;
            return true;
        }

        @Override
        public int maxIndex() {
            int l = left.maxIndex();
            int r = right.maxIndex();
            if (l == -1 || r == -1) {
                return -1;
            }
            return Math.max(l, r);
        }
    }

    /** Mirrors the scanning rules of cli_ac_chklsig over index ranges of the original text. */
    private static final class Compiler {
        private final String s;

        Compiler(String s) {
            this.s = s;
        }

        /** The character at absolute index i; past the end of the text reads as C's terminating NUL. */
        private char at(int i) {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        Node compile(int start, int end, int depth) throws SignatureSyntaxException {
            if (depth > MAX_DEPTH) {
                throw new SignatureSyntaxException("logical expression nested too deeply");
            }
            int len = end - start;
            if (len < 0) {
                throw new SignatureSyntaxException("malformed logical expression");
            }
            int pth = 0;
            int opoff = 0;
            int op1off = 0;
            int modoff = 0;
            int blkend = 0;
            long modval1 = 0;
            long modval2 = 0;
            char op = 0;
            char op1 = 0;
            char mod = 0;
            char blkmod = 0;
            int lstart = start;
            int rend = end;
            for (int i = 0; i < len; i++) {
                char c = s.charAt(start + i);
                switch (c) {
                    case '(' -> pth++;
                    case ')' -> {
                        if (pth == 0) {
                            throw new SignatureSyntaxException("logical expression: missing opening parenthesis");
                        }
                        pth--;
                        mod = c;
                        modoff = i;
                    }
                    case '>', '<', '=' -> {
                        mod = c;
                        modoff = i;
                    }
                    case '&', '|' -> {
                        if (pth == 0) {
                            op = c;
                            opoff = i;
                        } else if (pth == 1) {
                            op1 = c;
                            op1off = i;
                        }
                    }
                    default -> {
                    }
                }
                if (op != 0) {
                    break;
                }
                if (op1 != 0 && pth == 0) {
                    blkend = i;
                    char next = at(start + i + 1);
                    if (next == '>' || next == '<' || next == '=') {
                        blkmod = next;
                        CNumbers.Scan first = CNumbers.scanUnsigned(s, start + i + 2);
                        if (!first.ok()) {
                            throw new SignatureSyntaxException("logical expression: missing number after '" + next + "'");
                        }
                        modval1 = first.value();
                        if (at(first.end()) == ',') {
                            CNumbers.Scan second = CNumbers.scanUnsigned(s, first.end() + 1);
                            if (second.ok()) {
                                modval2 = second.value();
                            }
                        }
                        for (i += 2; i + 1 < len && (CNumbers.isDigit(at(start + i + 1)) || at(start + i + 1) == ','); i++) {
                            // skip the modifier's digits and commas
                        }
                    }
                    if (start + i + 1 == rend) {
                        break;
                    }
                    blkmod = 0;
                }
            }
            if (pth != 0) {
                throw new SignatureSyntaxException("logical expression: missing closing parenthesis");
            }
            if (op == 0 && op1 == 0) {
                if (at(start) == '(') {
                    if (len < 2) {
                        throw new SignatureSyntaxException("malformed logical expression");
                    }
                    return compile(start + 1, end - 1, depth + 1);
                }
                CNumbers.Scan id = CNumbers.scanUnsigned(s, start);
                if (!id.ok()) {
                    throw new SignatureSyntaxException("logical expression: cannot parse '" + s.substring(start, end) + "'");
                }
                int value = 0;
                if (mod != 0) {
                    CNumbers.Scan v = CNumbers.scanUnsigned(s, start + modoff + 1);
                    if (!v.ok()) {
                        throw new SignatureSyntaxException("logical expression: missing number after '" + mod + "'");
                    }
                    value = (int) v.value();
                }
                return new Leaf((int) id.value(), mod, value);
            }
            if (op == 0) {
                op = op1;
                opoff = op1off;
                lstart++;
                rend = start + blkend;
            }
            if (opoff == 0) {
                throw new SignatureSyntaxException("logical expression: missing left argument");
            }
            if (opoff + 1 == len) {
                throw new SignatureSyntaxException("logical expression: missing right argument");
            }
            Node left = compile(lstart, start + opoff, depth + 1);
            Node right = compile(start + opoff + 1, rend, depth + 1);
            if (left.maxIndex() == -1 || right.maxIndex() == -1) {
                throw new SignatureSyntaxException("logical expression: invalid operand");
            }
            return new Binary(op, left, right, blkmod, (int) modval1, (int) modval2);
        }
    }
}
