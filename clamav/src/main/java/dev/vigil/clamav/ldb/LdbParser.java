package dev.vigil.clamav.ldb;

import dev.vigil.clamav.hex.OffsetParser;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.clamav.hex.HexPatternParser;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.LogicalSignature;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.SubSignature;
import dev.vigil.engine.ir.TargetDescription;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses one line of a logical-signature database (.ldb/.ldu) with libclamav 1.4's rules, in its order of checks:
 * field count, logical expression, subsignature count (= highest index + 1, at most 64), target description
 * (which may skip the signature), name, then each subsignature (macro, PCRE, byte-compare, fuzzy image hash, or
 * content, told apart as ClamAV does).
 *
 * <p>Not supported, by choice: signatures with a macro subsignature ({@code ${min-max}group$}) or a fuzzy image hash
 * subsignature ({@code fuzzy_img#...}) are validated and then skipped (null), since they can only match with ndb
 * macro groups or image decoding that this engine does not have.
 */
public final class LdbParser {
    /** ClamAV's MAX_LDB_SUBSIGS. */
    public static final int MAX_SUBSIGNATURES = 64;
    /** The line is split into at most this many ';' fields; the rest is ignored (ClamAV's LDB_TOKENS + 1). */
    private static final int MAX_FIELDS = 68;
    private static final int MAX_SUB_FIELDS = 5;

    /** Expressions and target descriptions are immutable and repeat from line to line: parsed once, shared. */
    private static final TextCache<ClamLogicExpression> EXPRESSIONS = new TextCache<>(256);
    private static final TextCache<TargetDescription> TARGETS = new TextCache<>(256);

    private LdbParser() {
    }

    /** What the parser decided a subsignature is, by ClamAV's dispatch order. */
    enum Kind { MACRO, PCRE, BYTE_COMPARE, FUZZY_IMAGE, CONTENT }

    /**
     * Parses a line (without its line terminator; comments and names' {@code .UNOFFICIAL} suffix are the caller's).
     * Returns null when ClamAV would skip the signature silently (FLEVEL out of range, unknown target, ...).
     *
     * @param name the name to report (the caller's final form); the line's own name field is only validated
     */
    public static LogicalSignature parse(String line, String name, LoadOptions options) throws SignatureSyntaxException {
        int nul = line.indexOf('\0');
        if (nul >= 0) {
            line = line.substring(0, nul);
        }
        List<String> fields = tokenize(line, ';', MAX_FIELDS, 2);
        if (fields.size() < 4) {
            throw new SignatureSyntaxException("logical signature needs at least 4 ';'-separated fields");
        }
        String expressionText = fields.get(2);
        ClamLogicExpression expression = EXPRESSIONS.get(expressionText, 0);
        if (expression == null) {
            expression = ClamLogicExpression.parse(expressionText);
            EXPRESSIONS.put(expressionText, 0, expression);
        }
        long declared = (long) expression.maxSubsignature() + 1;
        int present = fields.size() - 3;
        if (declared != present) {
            throw new SignatureSyntaxException("the logical expression names " + declared
                    + " subsignatures but the line has " + present);
        }
        if (present > MAX_SUBSIGNATURES) {
            throw new SignatureSyntaxException("more than 64 subsignatures");
        }
        String targetText = fields.get(1);
        TargetDescription target = TARGETS.get(targetText, options.engineLevel());
        if (target == null) {
            target = TargetDescriptionParser.parse(targetText, options.engineLevel());
            TARGETS.put(targetText, options.engineLevel(), target);
        }
        if (target == null) {
            return null;
        }
        String lineName = fields.get(0);
        int clam = lineName.indexOf(" (Clam)");
        if (clam >= 0) {
            lineName = lineName.substring(0, clam);
        }
        if (lineName.isEmpty()) {
            throw new SignatureSyntaxException("empty signature name");
        }
        Kind[] kinds = new Kind[present];
        for (int i = 0; i < present; i++) {
            kinds[i] = kindOf(fields.get(3 + i));
        }
        boolean skip = false;
        List<SubSignature> subs = new ArrayList<>(present);
        for (int i = 0; i < present; i++) {
            String text = fields.get(3 + i);
            try {
                switch (kinds[i]) {
                    case MACRO -> {
                        validateMacro(text);
                        skip = true;
                    }
                    case PCRE -> subs.add(PcreSubSignature.parse(text, i, target.target()));
                    case BYTE_COMPARE -> subs.add(ByteCompareSubSignature.parse(text, i, kinds));
                    case FUZZY_IMAGE -> {
                        validateFuzzyImage(text);
                        skip = true;
                    }
                    case CONTENT -> subs.add(content(text, target.target()));
                }
            } catch (SignatureSyntaxException e) {
                throw new SignatureSyntaxException("subsignature " + i + ": " + e.getMessage());
            }
        }
        if (skip) {
            return null;
        }
        return new LogicalSignature(name, target, expression, subs);
    }

    static Kind kindOf(String sub) {
        if (sub.startsWith("$")) {
            return Kind.MACRO;
        }
        if (sub.indexOf('/') >= 0) {
            return Kind.PCRE;
        }
        int firstHash = sub.indexOf('#');
        if (sub.indexOf('(') >= 0 && firstHash >= 0 && firstHash != sub.lastIndexOf('#')) {
            return Kind.BYTE_COMPARE;
        }
        if (sub.startsWith("fuzzy_img#")) {
            return Kind.FUZZY_IMAGE;
        }
        return Kind.CONTENT;
    }

    /** {@code [Offset:]Hex[::modifiers]}. */
    static SubSignature.Content content(String text, int target) throws SignatureSyntaxException {
        List<String> t = tokenize(text, ':', MAX_SUB_FIELDS, 0);
        String offset = t.size() % 2 == 0 ? t.get(0) : "*";
        String modifiers = t.size() == 3 ? t.get(2) : t.size() == 4 ? t.get(3) : "";
        String hex = t.size() % 2 == 1 ? t.get(0) : t.get(1);
        boolean nocase = false;
        boolean fullword = false;
        boolean wide = false;
        boolean ascii = false;
        for (int i = 0; i < modifiers.length(); i++) {
            switch (modifiers.charAt(i)) {
                case 'i' -> nocase = true;
                case 'f' -> fullword = true;
                case 'w' -> wide = true;
                case 'a' -> ascii = true;
                default -> throw new SignatureSyntaxException("invalid modifier '" + modifiers.charAt(i) + "'");
            }
        }
        OffsetSpec offsetSpec = OffsetParser.parse(offset, target);
        if (fullword) {
            hex = ContentModifiers.fullword(hex);
        }
        boolean withModifiers = !modifiers.isEmpty();
        List<BodyPattern> variants = new ArrayList<>(2);
        if (wide) {
            variants.add(HexPatternParser.parse(ContentModifiers.wide(hex), target, withModifiers));
        }
        if (!wide || ascii) {
            variants.add(HexPatternParser.parse(hex, target, withModifiers));
        }
        if (nocase) {
            variants.replaceAll(ContentModifiers::nocase);
        }
        return new SubSignature.Content(offsetSpec, variants);
    }

    /** {@code ${min-max}group$}, checked as ClamAV checks it. */
    private static void validateMacro(String text) throws SignatureSyntaxException {
        if (!text.endsWith("$")) {
            throw new SignatureSyntaxException("macro subsignature without closing '$'");
        }
        CNumbers.Scan min = text.startsWith("${") ? CNumbers.scanUnsigned(text, 2) : null;
        CNumbers.Scan max = min != null && min.ok() && charAt(text, min.end()) == '-'
                ? CNumbers.scanUnsigned(text, min.end() + 1) : null;
        CNumbers.Scan group = max != null && max.ok() && charAt(text, max.end()) == '}'
                ? CNumbers.scanUnsigned(text, max.end() + 1) : null;
        if (group == null || !group.ok()) {
            throw new SignatureSyntaxException("invalid macro subsignature '" + text + "'");
        }
        if (group.value() >= 32) {
            throw new SignatureSyntaxException("macro group must be below 32");
        }
    }

    /** {@code fuzzy_img#<16 hex digits>[#<distance>[#...]]}; ClamAV 1.4 accepts only distance 0. */
    private static void validateFuzzyImage(String text) throws SignatureSyntaxException {
        String[] parts = text.split("#", -1);
        boolean ok = parts.length >= 2 && parts[1].length() == 16
                && parts[1].chars().allMatch(c -> Character.digit(c, 16) >= 0);
        if (ok && parts.length >= 3) {
            ok = parts[2].matches("\\+?0*") && !parts[2].replace("+", "").isEmpty();
        }
        if (!ok) {
            throw new SignatureSyntaxException("invalid fuzzy_img subsignature '" + text + "'");
        }
    }

    private static char charAt(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    /**
     * ClamAV's ldb tokenizer: at most {@code max} fields, text after the last field's delimiter dropped. From field
     * {@code skip} on, an unescaped '/' toggles a "inside a regex" state (which carries over to later fields) in
     * which the delimiter does not split.
     */
    static List<String> tokenize(String s, char delimiter, int max, int skip) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        boolean inRegex = false;
        while (out.size() < max) {
            int start = i;
            int fieldNumber = out.size() + 1;
            while (i < n) {
                char c = s.charAt(i);
                if (!inRegex && c == delimiter) {
                    break;
                }
                if (fieldNumber > skip && i > 0 && s.charAt(i - 1) != '\\' && c == '/') {
                    inRegex = !inRegex;
                }
                i++;
            }
            out.add(s.substring(start, i));
            if (i >= n) {
                break;
            }
            i++;
        }
        return out;
    }
}
