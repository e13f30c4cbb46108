package dev.vigil.clamav.ldb;

import dev.vigil.clamav.SignatureSyntaxException;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates a PCRE2 pattern, as ClamAV compiles it (8-bit code units, no UTF, default character tables, newline
 * LF), into a {@link java.util.regex.Pattern} that is applied to bytes seen as ISO-8859-1 characters.
 *
 * <p>Supported: literals and escapes ({@code \xhh \x{hh} \o{} \ddd \0 \cX \e \a \t \n \r \f}), classes with POSIX
 * names, {@code \d \w \s \h \v \R \N \C} and their negations, anchors {@code ^ $ \A \z \Z \b \B \G}, groups
 * (capturing, named, non-capturing, atomic, lookahead, fixed-length lookbehind), back-references
 * ({@code \n \g{n} \g{-n} \k<name> (?P=name)}), quantifiers (greedy, lazy, possessive), inline options
 * {@code (?i) (?s) (?m)} and {@code (?ism-ism:...)}, comments {@code (?#...)}, and the flags i s m x A E U.
 *
 * <p>Refused at load with a {@link SignatureSyntaxException} naming the feature, because java.util.regex cannot
 * express it: recursion and subroutine calls ({@code (?R) (?1) (?&name) (?P>name)}), conditionals
 * ({@code (?(...)...)}), branch reset {@code (?|...)}, backtracking verbs and start options ({@code (*...)}),
 * callouts {@code (?C)}, {@code \K}, Unicode properties {@code \p \P \X}, inline options other than i s m,
 * and quantifiers or back-references inside a lookbehind (PCRE2 10.42 requires fixed-length lookbehind).
 */
final class PcreTranslator {
    /** PCRE2's largest repeat count. */
    private static final int MAX_REPEAT = 65535;

    private final String src;
    private final boolean extended;
    private final boolean ungreedy;
    private final boolean dollarEndOnly;
    private final boolean multiline;
    private final StringBuilder out = new StringBuilder();
    private final Map<String, String> groupNames = new HashMap<>();
    private final int totalGroups;
    private int groupsOpened;
    private int pos;
    /** One entry per open group: true when it is, or is inside, a lookbehind. */
    private final Deque<Boolean> lookbehind = new ArrayDeque<>();

    private PcreTranslator(String src, boolean extended, boolean ungreedy, boolean dollarEndOnly, boolean multiline) {
        this.src = src;
        this.extended = extended;
        this.ungreedy = ungreedy;
        this.dollarEndOnly = dollarEndOnly;
        this.multiline = multiline;
        this.totalGroups = countGroups(src);
    }

    /** Compiles a PCRE pattern with ClamAV's compile options (characters of {@code imsxAEU}). */
    static Pattern compile(String pcre, String options) throws SignatureSyntaxException {
        boolean i = options.indexOf('i') >= 0;
        boolean s = options.indexOf('s') >= 0;
        boolean m = options.indexOf('m') >= 0;
        boolean x = options.indexOf('x') >= 0;
        boolean e = options.indexOf('E') >= 0;
        boolean u = options.indexOf('U') >= 0;
        PcreTranslator t = new PcreTranslator(pcre, x, u, e, m);
        String java = t.translate();
        int flags = Pattern.UNIX_LINES;
        if (i) {
            flags |= Pattern.CASE_INSENSITIVE;
        }
        if (s) {
            flags |= Pattern.DOTALL;
        }
        if (m) {
            flags |= Pattern.MULTILINE;
        }
        try {
            return Pattern.compile(java, flags);
        } catch (PatternSyntaxException | StackOverflowError ex) {
            throw new SignatureSyntaxException("PCRE pattern does not compile: " + pcre);
        }
    }

    private static SignatureSyntaxException unsupported(String feature) {
        return new SignatureSyntaxException("PCRE feature not supported: " + feature);
    }

    private String translate() throws SignatureSyntaxException {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (extended && isExtendedSpace(c)) {
                pos++;
                continue;
            }
            if (extended && c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
                continue;
            }
            switch (c) {
                case '\\' -> escape();
                case '[' -> characterClass();
                case '(' -> openGroup();
                case ')' -> {
                    if (lookbehind.isEmpty()) {
                        throw new SignatureSyntaxException("PCRE: unmatched ')'");
                    }
                    lookbehind.pop();
                    out.append(')');
                    pos++;
                    quantifier();
                }
                case '$' -> {
                    out.append(dollarEndOnly && !multiline ? "\\z" : "$");
                    pos++;
                }
                case '^', '|' -> {
                    out.append(c);
                    pos++;
                }
                case '.' -> {
                    out.append('.');
                    pos++;
                    quantifier();
                }
                case '*', '+', '?' -> throw new SignatureSyntaxException("PCRE: quantifier without an item");
                case '{' -> {
                    if (repeatLength(pos) > 0) {
                        throw new SignatureSyntaxException("PCRE: quantifier without an item");
                    }
                    literal(c);
                    pos++;
                    quantifier();
                }
                default -> {
                    literal(c);
                    pos++;
                    quantifier();
                }
            }
        }
        if (!lookbehind.isEmpty()) {
            throw new SignatureSyntaxException("PCRE: missing ')'");
        }
        return out.toString();
    }

    private static boolean isExtendedSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private boolean inLookbehind() {
        return !lookbehind.isEmpty() && lookbehind.peek();
    }

    private void literal(char c) {
        if (Character.isLetterOrDigit(c) && c < 0x80) {
            out.append(c);
        } else {
            out.append(String.format("\\x%02x", (int) c & 0xff));
        }
    }

    /** Skips white space and comments between an item and its quantifier in extended mode. */
    private void skipExtended() {
        while (extended && pos < src.length()) {
            char c = src.charAt(pos);
            if (isExtendedSpace(c)) {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                break;
            }
        }
    }

    /** Length of a {n}, {n,} or {n,m} repeat at index i, or 0 when the text there is not one (then '{' is literal). */
    private int repeatLength(int i) {
        int j = i + 1;
        int digits = 0;
        while (j < src.length() && CNumbers.isDigit(src.charAt(j))) {
            j++;
            digits++;
        }
        if (digits == 0) {
            return 0;
        }
        if (j < src.length() && src.charAt(j) == '}') {
            return j + 1 - i;
        }
        if (j >= src.length() || src.charAt(j) != ',') {
            return 0;
        }
        j++;
        while (j < src.length() && CNumbers.isDigit(src.charAt(j))) {
            j++;
        }
        if (j < src.length() && src.charAt(j) == '}') {
            return j + 1 - i;
        }
        return 0;
    }

    private void quantifier() throws SignatureSyntaxException {
        skipExtended();
        if (pos >= src.length()) {
            return;
        }
        char c = src.charAt(pos);
        String q;
        boolean exact = false;
        if (c == '*' || c == '+' || c == '?') {
            q = String.valueOf(c);
            pos++;
        } else if (c == '{' && repeatLength(pos) > 0) {
            int len = repeatLength(pos);
            q = src.substring(pos, pos + len);
            String inner = q.substring(1, q.length() - 1);
            String[] bounds = inner.split(",", -1);
            for (String b : bounds) {
                if (!b.isEmpty() && (b.length() > 6 || Integer.parseInt(b) > MAX_REPEAT)) {
                    throw new SignatureSyntaxException("PCRE: number too big in {} quantifier");
                }
            }
            if (bounds.length == 2 && !bounds[1].isEmpty() && Integer.parseInt(bounds[1]) < Integer.parseInt(bounds[0])) {
                throw new SignatureSyntaxException("PCRE: numbers out of order in {} quantifier");
            }
            exact = bounds.length == 1 || bounds[1].equals(bounds[0]);
            pos += len;
        } else {
            return;
        }
        if (inLookbehind() && !exact) {
            throw new SignatureSyntaxException("PCRE: lookbehind assertion is not fixed length");
        }
        boolean lazy = false;
        boolean possessive = false;
        if (pos < src.length() && src.charAt(pos) == '?') {
            lazy = true;
            pos++;
        } else if (pos < src.length() && src.charAt(pos) == '+') {
            possessive = true;
            pos++;
        }
        if (ungreedy && !possessive) {
            lazy = !lazy;
        }
        out.append(q);
        if (lazy) {
            out.append('?');
        } else if (possessive) {
            out.append('+');
        }
        skipExtended();
        if (pos < src.length()) {
            char n = src.charAt(pos);
            if (n == '*' || n == '+' || n == '?' || (n == '{' && repeatLength(pos) > 0)) {
                // PCRE allows a quantified item to be quantified again only through a group; be explicit
                throw new SignatureSyntaxException("PCRE: nested quantifier");
            }
        }
    }

    private void escape() throws SignatureSyntaxException {
        if (pos + 1 >= src.length()) {
            throw new SignatureSyntaxException("PCRE: \\ at end of pattern");
        }
        char c = src.charAt(pos + 1);
        pos += 2;
        switch (c) {
            case 'd', 'D', 'w', 'W', 's', 'S', 'h', 'H', 'v', 'V' -> {
                out.append('\\').append(c);
                quantifier();
            }
            case 'N' -> {
                out.append("[^\\n]");
                quantifier();
            }
            case 'C' -> {
                out.append("[\\x00-\\xff]");
                quantifier();
            }
            case 'R' -> {
                if (inLookbehind()) {
                    throw new SignatureSyntaxException("PCRE: lookbehind assertion is not fixed length");
                }
                out.append("(?>\\r\\n|[\\n\\x0b\\f\\r\\x85])");
                quantifier();
            }
            case 'b', 'B', 'A', 'z', 'Z', 'G' -> out.append('\\').append(c);
            case 'K' -> throw unsupported("\\K (reset match start)");
            case 'p', 'P', 'X' -> throw unsupported("\\" + c + " (Unicode properties)");
            case 'E' -> {
                // a stray \E is ignored by PCRE
            }
            case 'Q' -> {
                int end = src.indexOf("\\E", pos);
                String lit = end < 0 ? src.substring(pos) : src.substring(pos, end);
                pos = end < 0 ? src.length() : end + 2;
                for (int k = 0; k < lit.length(); k++) {
                    literal(lit.charAt(k));
                    if (k == lit.length() - 1) {
                        quantifier();
                    }
                }
            }
            case 'g' -> backReference(groupReferenceAfterG());
            case 'k' -> backReference(namedReference());
            default -> {
                if (c >= '1' && c <= '9') {
                    numericEscape(c);
                } else {
                    int value = characterEscape(c, false);
                    literal((char) value);
                    quantifier();
                }
            }
        }
    }

    /** \1..\9 are back-references; \10 and up are too when that many groups exist, else octal. */
    private void numericEscape(char first) throws SignatureSyntaxException {
        int start = pos - 1;
        int end = start;
        while (end < src.length() && CNumbers.isDigit(src.charAt(end))) {
            end++;
        }
        String digits = src.substring(start, end);
        int n = digits.length() > 6 ? Integer.MAX_VALUE : Integer.parseInt(digits);
        if (n < 10 || n <= totalGroups) {
            pos = end;
            backReference(Integer.toString(n));
            return;
        }
        if (first >= '8') {
            throw unsupported("\\" + digits + " (neither a group nor octal)");
        }
        int value = 0;
        int k = start;
        while (k < src.length() && k < start + 3 && src.charAt(k) >= '0' && src.charAt(k) <= '7') {
            value = value * 8 + (src.charAt(k) - '0');
            k++;
        }
        pos = k;
        if (value > 0xff) {
            throw new SignatureSyntaxException("PCRE: octal value greater than \\377 in 8-bit mode");
        }
        literal((char) value);
        quantifier();
    }

    private void backReference(String group) throws SignatureSyntaxException {
        if (inLookbehind()) {
            throw new SignatureSyntaxException("PCRE: lookbehind assertion is not fixed length");
        }
        if (CNumbers.isNumber(group) && !group.isEmpty()) {
            int n = Integer.parseInt(group);
            if (n == 0 || n > totalGroups) {
                throw new SignatureSyntaxException("PCRE: reference to non-existent subpattern");
            }
            out.append("(?:\\").append(n).append(')');
        } else {
            String java = groupNames.get(group);
            if (java == null) {
                throw unsupported("reference to group '" + group + "' before it is defined");
            }
            out.append("\\k<").append(java).append('>');
        }
        quantifier();
    }

    /** After {@code \g}: {n}, {-n}, {name}, n, -n. Returns a group number or name. */
    private String groupReferenceAfterG() throws SignatureSyntaxException {
        String ref;
        if (pos < src.length() && src.charAt(pos) == '{') {
            int close = src.indexOf('}', pos);
            if (close < 0) {
                throw new SignatureSyntaxException("PCRE: malformed \\g");
            }
            ref = src.substring(pos + 1, close);
            pos = close + 1;
        } else if (pos < src.length() && src.charAt(pos) == '<' || pos < src.length() && src.charAt(pos) == '\'') {
            throw unsupported("\\g<...> subroutine call");
        } else {
            int end = pos;
            if (end < src.length() && (src.charAt(end) == '-' || src.charAt(end) == '+')) {
                end++;
            }
            while (end < src.length() && CNumbers.isDigit(src.charAt(end))) {
                end++;
            }
            ref = src.substring(pos, end);
            pos = end;
        }
        if (ref.startsWith("-") && ref.length() > 1 && CNumbers.isNumber(ref.substring(1))) {
            int back = Integer.parseInt(ref.substring(1));
            int n = groupsOpened - back + 1;
            if (back == 0 || n <= 0) {
                throw new SignatureSyntaxException("PCRE: reference to non-existent subpattern");
            }
            return Integer.toString(n);
        }
        if (ref.startsWith("+")) {
            throw unsupported("forward relative reference \\g" + ref);
        }
        if (ref.isEmpty()) {
            throw new SignatureSyntaxException("PCRE: malformed \\g");
        }
        return ref;
    }

    /** After {@code \k}: <name>, 'name', {name}. */
    private String namedReference() throws SignatureSyntaxException {
        if (pos >= src.length()) {
            throw new SignatureSyntaxException("PCRE: malformed \\k");
        }
        char open = src.charAt(pos);
        char close = switch (open) {
            case '<' -> '>';
            case '\'' -> '\'';
            case '{' -> '}';
            default -> throw new SignatureSyntaxException("PCRE: malformed \\k");
        };
        int end = src.indexOf(close, pos + 1);
        if (end < 0) {
            throw new SignatureSyntaxException("PCRE: malformed \\k");
        }
        String name = src.substring(pos + 1, end);
        pos = end + 1;
        return name;
    }

    /**
     * The value of a one-character escape (after the backslash, with {@code pos} past it) outside or inside a
     * class; also handles {@code \x \o \0 \c}.
     */
    private int characterEscape(char c, boolean inClass) throws SignatureSyntaxException {
        switch (c) {
            case 'a':
                return 7;
            case 'e':
                return 27;
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'b':
                if (inClass) {
                    return 8;
                }
                break;
            case 'x': {
                if (pos < src.length() && src.charAt(pos) == '{') {
                    int close = src.indexOf('}', pos);
                    String hex = close < 0 ? "" : src.substring(pos + 1, close);
                    if (close < 0 || hex.isEmpty() || !hex.chars().allMatch(h -> Character.digit(h, 16) >= 0)) {
                        throw new SignatureSyntaxException("PCRE: malformed \\x{...}");
                    }
                    pos = close + 1;
                    return checked(hex.length() > 8 ? Long.MAX_VALUE : Long.parseLong(hex, 16));
                }
                int v = 0;
                int k = 0;
                while (k < 2 && pos < src.length() && Character.digit(src.charAt(pos), 16) >= 0) {
                    v = v * 16 + Character.digit(src.charAt(pos), 16);
                    pos++;
                    k++;
                }
                return v;
            }
            case 'o': {
                int close = pos < src.length() && src.charAt(pos) == '{' ? src.indexOf('}', pos) : -1;
                String oct = close < 0 ? "" : src.substring(pos + 1, close);
                if (oct.isEmpty() || !oct.chars().allMatch(h -> h >= '0' && h <= '7')) {
                    throw new SignatureSyntaxException("PCRE: malformed \\o{...}");
                }
                pos = close + 1;
                return checked(oct.length() > 11 ? Long.MAX_VALUE : Long.parseLong(oct, 8));
            }
            case '0': {
                int v = 0;
                int k = 0;
                while (k < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7') {
                    v = v * 8 + (src.charAt(pos) - '0');
                    pos++;
                    k++;
                }
                return v;
            }
            case 'c': {
                if (pos >= src.length() || src.charAt(pos) >= 0x80) {
                    throw new SignatureSyntaxException("PCRE: \\c at end of pattern");
                }
                char x = Character.toUpperCase(src.charAt(pos++));
                return x ^ 0x40;
            }
            default:
                break;
        }
        if (c < 0x80 && Character.isLetterOrDigit(c)) {
            throw new SignatureSyntaxException("PCRE: unrecognized escape \\" + c);
        }
        return c;
    }

    private static int checked(long v) throws SignatureSyntaxException {
        if (v > 0xff) {
            throw new SignatureSyntaxException("PCRE: character value above 0xff in 8-bit mode");
        }
        return (int) v;
    }

    private void openGroup() throws SignatureSyntaxException {
        pos++;
        boolean behind = inLookbehind();
        if (pos < src.length() && src.charAt(pos) == '*') {
            throw unsupported("backtracking verb or start option (*...)");
        }
        if (pos >= src.length() || src.charAt(pos) != '?') {
            groupsOpened++;
            lookbehind.push(behind);
            out.append('(');
            return;
        }
        pos++;
        if (pos >= src.length()) {
            throw new SignatureSyntaxException("PCRE: malformed group");
        }
        char c = src.charAt(pos);
        switch (c) {
            case ':', '=', '!', '>' -> {
                pos++;
                lookbehind.push(behind);
                out.append("(?").append(c);
            }
            case '<' -> {
                char n = pos + 1 < src.length() ? src.charAt(pos + 1) : '\0';
                if (n == '=' || n == '!') {
                    pos += 2;
                    lookbehind.push(true);
                    out.append("(?<").append(n);
                } else {
                    pos++;
                    namedGroup('>', behind);
                }
            }
            case '\'' -> {
                pos++;
                namedGroup('\'', behind);
            }
            case 'P' -> {
                char n = pos + 1 < src.length() ? src.charAt(pos + 1) : '\0';
                if (n == '<') {
                    pos += 2;
                    namedGroup('>', behind);
                } else if (n == '=') {
                    int close = src.indexOf(')', pos);
                    if (close < 0) {
                        throw new SignatureSyntaxException("PCRE: malformed (?P=name)");
                    }
                    String name = src.substring(pos + 2, close);
                    pos = close + 1;
                    backReference(name);
                } else {
                    throw unsupported("(?P>name) subroutine call");
                }
            }
            case '#' -> {
                int close = src.indexOf(')', pos);
                if (close < 0) {
                    throw new SignatureSyntaxException("PCRE: missing ) after comment");
                }
                pos = close + 1;
            }
            case 'R', '&', '+', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
                if (c == '-' && pos + 1 < src.length() && Character.isLetter(src.charAt(pos + 1))) {
                    inlineOptions(behind);
                } else {
                    throw unsupported("recursion or subroutine call (?" + c + "...)");
                }
            }
            case '(' -> throw unsupported("conditional group (?(...)...)");
            case '|' -> throw unsupported("branch reset group (?|...)");
            case 'C' -> throw unsupported("callout (?C...)");
            default -> inlineOptions(behind);
        }
    }

    private void namedGroup(char close, boolean behind) throws SignatureSyntaxException {
        int end = src.indexOf(close, pos);
        if (end < 0) {
            throw new SignatureSyntaxException("PCRE: malformed group name");
        }
        String name = src.substring(pos, end);
        if (name.isEmpty() || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new SignatureSyntaxException("PCRE: invalid group name '" + name + "'");
        }
        if (groupNames.containsKey(name)) {
            throw unsupported("duplicate group name '" + name + "'");
        }
        groupsOpened++;
        String java = "g" + groupsOpened + "n";
        groupNames.put(name, java);
        pos = end + 1;
        lookbehind.push(behind);
        out.append("(?<").append(java).append('>');
    }

    /** (?ism-ism) or (?ism-ism:...); other option letters have no Java equivalent here. */
    private void inlineOptions(boolean behind) throws SignatureSyntaxException {
        int start = pos;
        while (pos < src.length() && src.charAt(pos) != ')' && src.charAt(pos) != ':') {
            char o = src.charAt(pos);
            if (o != 'i' && o != 's' && o != 'm' && o != '-') {
                throw unsupported("inline option '" + o + "'");
            }
            pos++;
        }
        if (pos >= src.length()) {
            throw new SignatureSyntaxException("PCRE: malformed inline options");
        }
        String opts = src.substring(start, pos);
        if (src.charAt(pos) == ')') {
            pos++;
            out.append("(?").append(opts).append(')');
        } else {
            pos++;
            lookbehind.push(behind);
            out.append("(?").append(opts).append(':');
        }
    }

    private void characterClass() throws SignatureSyntaxException {
        pos++;
        StringBuilder cls = new StringBuilder("[");
        if (pos < src.length() && src.charAt(pos) == '^') {
            cls.append('^');
            pos++;
        }
        boolean first = true;
        int previous = -1;
        while (true) {
            if (pos >= src.length()) {
                throw new SignatureSyntaxException("PCRE: missing terminating ] for character class");
            }
            char c = src.charAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            if (c == '[' && pos + 1 < src.length() && (src.charAt(pos + 1) == ':' || src.charAt(pos + 1) == '.'
                    || src.charAt(pos + 1) == '=')) {
                int end = src.indexOf(src.charAt(pos + 1) + "]", pos + 2);
                if (end < 0) {
                    cls.append("\\x5b");
                    previous = '[';
                    pos++;
                    continue;
                }
                if (src.charAt(pos + 1) != ':') {
                    throw unsupported("POSIX collating element");
                }
                cls.append(posixClass(src.substring(pos + 2, end)));
                pos = end + 2;
                previous = -1;
                continue;
            }
            int value;
            if (c == '\\') {
                if (pos + 1 >= src.length()) {
                    throw new SignatureSyntaxException("PCRE: \\ at end of pattern");
                }
                char e = src.charAt(pos + 1);
                pos += 2;
                if ("dDwWsShHvV".indexOf(e) >= 0) {
                    if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                        throw new SignatureSyntaxException("PCRE: invalid range in character class");
                    }
                    cls.append('\\').append(e);
                    previous = -1;
                    continue;
                }
                if (e == 'N' || e == 'R' || e == 'X' || e == 'B') {
                    throw new SignatureSyntaxException("PCRE: escape \\" + e + " is invalid in a character class");
                }
                if (e == 'p' || e == 'P') {
                    throw unsupported("\\" + e + " (Unicode properties)");
                }
                if (e == 'Q') {
                    int end = src.indexOf("\\E", pos);
                    String lit = end < 0 ? src.substring(pos) : src.substring(pos, end);
                    pos = end < 0 ? src.length() : end + 2;
                    for (int k = 0; k < lit.length(); k++) {
                        cls.append(String.format("\\x%02x", (int) lit.charAt(k) & 0xff));
                        previous = lit.charAt(k);
                    }
                    continue;
                }
                if (e == 'E') {
                    continue;
                }
                if (e >= '1' && e <= '7') {
                    int v = e - '0';
                    int k = 0;
                    while (k < 2 && pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7') {
                        v = v * 8 + (src.charAt(pos) - '0');
                        pos++;
                        k++;
                    }
                    value = checked(v);
                } else if (e == '8' || e == '9') {
                    value = e;
                } else {
                    value = characterEscape(e, true);
                }
            } else {
                value = c;
                pos++;
            }
            // a range a-b (a '-' before ']' is literal)
            if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                int save = pos;
                pos++;
                char hc = src.charAt(pos);
                int high;
                if (hc == '\\') {
                    char e = pos + 1 < src.length() ? src.charAt(pos + 1) : '\0';
                    if ("dDwWsShHvV".indexOf(e) >= 0) {
                        throw new SignatureSyntaxException("PCRE: invalid range in character class");
                    }
                    pos += 2;
                    high = characterEscape(e, true);
                } else if (hc == '[' && pos + 1 < src.length() && src.charAt(pos + 1) == ':') {
                    pos = save;
                    cls.append(String.format("\\x%02x", value & 0xff));
                    previous = value;
                    continue;
                } else {
                    high = hc;
                    pos++;
                }
                if (high < value) {
                    throw new SignatureSyntaxException("PCRE: range out of order in character class");
                }
                cls.append(String.format("\\x%02x-\\x%02x", value & 0xff, high & 0xff));
                previous = -1;
                continue;
            }
            cls.append(String.format("\\x%02x", value & 0xff));
            previous = value;
        }
        out.append(cls).append(']');
        quantifier();
    }

    private static String posixClass(String name) throws SignatureSyntaxException {
        boolean negate = name.startsWith("^");
        String n = negate ? name.substring(1) : name;
        String body = switch (n) {
            case "alpha" -> "a-zA-Z";
            case "digit" -> "0-9";
            case "alnum" -> "a-zA-Z0-9";
            case "upper" -> "A-Z";
            case "lower" -> "a-z";
            case "space" -> "\\t\\n\\x0b\\f\\r\\x20";
            case "blank" -> "\\t\\x20";
            case "punct" -> "\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e";
            case "print" -> "\\x20-\\x7e";
            case "graph" -> "\\x21-\\x7e";
            case "cntrl" -> "\\x00-\\x1f\\x7f";
            case "xdigit" -> "0-9a-fA-F";
            case "word" -> "a-zA-Z0-9_";
            case "ascii" -> "\\x00-\\x7f";
            default -> throw new SignatureSyntaxException("PCRE: unknown POSIX class name '" + n + "'");
        };
        return negate ? "[^" + body + "]" : "[" + body + "]";
    }

    /** Capturing groups in the pattern, for deciding whether \NN is a reference or an octal escape. */
    private static int countGroups(String s) {
        int n = 0;
        boolean inClass = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                if (c == ']') {
                    inClass = false;
                }
            } else if (c == '[') {
                inClass = true;
                if (i + 1 < s.length() && s.charAt(i + 1) == '^') {
                    i++;
                }
                if (i + 1 < s.length() && s.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == '(') {
                if (i + 1 >= s.length() || s.charAt(i + 1) != '?') {
                    if (i + 1 >= s.length() || s.charAt(i + 1) != '*') {
                        n++;
                    }
                } else if (i + 2 < s.length() && (s.charAt(i + 2) == '\'' || s.charAt(i + 2) == 'P'
                        && i + 3 < s.length() && s.charAt(i + 3) == '<'
                        || s.charAt(i + 2) == '<' && i + 3 < s.length() && s.charAt(i + 3) != '='
                        && s.charAt(i + 3) != '!')) {
                    n++;
                }
            }
        }
        return n;
    }
}
