package dev.vigil.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What {@code vigil yara} needs to know about the rule sources beyond what {@link dev.vigil.yara.RuleMatch} says,
 * found by a light scan of them: which strings are hex strings ({@code yara -s} prints their matches as hex bytes),
 * and the declaration order of the non-private rules (yara reports matching and non-matching rules interleaved in
 * that order, which decides where {@code -l} stops). The scan only looks for {@code [private] rule NAME} and
 * {@code $id = {}, skipping comments, text strings and regular expressions, and follows {@code include}s; it never
 * fails (unreadable or odd sources simply give no entries).
 */
final class RuleSourceIndex implements YaraOutput.HexStrings {
    private static final int MAX_INCLUDE_DEPTH = 16;

    /** namespace, rule and identifier joined by NUL; for "$" (anonymous) only when every anonymous string is hex. */
    private final Set<String> hex = new HashSet<>();
    private final Map<String, int[]> anonymous = new HashMap<>(); // key -> {hex count, other count}
    /** "namespace:name" of the non-private rules, in declaration order. */
    private final List<String> declared = new ArrayList<>();

    private final Map<String, List<String>> tags = new HashMap<>();
    /** Per file name (as given to the compiler): the rules' line spans, in order. */
    private final Map<String, List<RuleSpan>> spans = new HashMap<>();

    private record RuleSpan(String name, int firstLine, int lastLine) {
    }

    /**
     * The rule whose text covers {@code line} of {@code file} (named as the compiler was given it), or null: yara
     * names that rule in a diagnostic ({@code error: rule "R" in FILE(LINE): ...}).
     */
    String ruleAt(String file, int line) {
        for (RuleSpan r : spans.getOrDefault(file, List.of())) {
            if (line >= r.firstLine() && line <= r.lastLine()) {
                return r.name();
            }
        }
        return null;
    }

    List<String> declaredRules() {
        return declared;
    }

    /** The tags of rule "namespace:name", as declared (empty when unknown). */
    List<String> tagsOf(String id) {
        return tags.getOrDefault(id, List.of());
    }

    @Override
    public boolean isHex(String namespace, String rule, String identifier) {
        String key = key(namespace, rule, identifier);
        if (identifier.equals("$")) {
            int[] counts = anonymous.get(key);
            return counts != null && counts[0] > 0 && counts[1] == 0;
        }
        return hex.contains(key);
    }

    void addFile(Path file, String namespace) {
        addFile(file, namespace, 0);
    }

    private void addFile(Path file, String namespace, int depth) {
        try {
            new Scanner(Files.readString(file, StandardCharsets.ISO_8859_1), namespace,
                    file.toAbsolutePath().getParent(), depth, file.toString()).run();
        } catch (IOException | RuntimeException e) {
            // the compiler reports unreadable files; here they just contribute nothing
        }
    }

    void addSource(String src, String namespace, Path baseDir, int depth) {
        new Scanner(src, namespace, baseDir, depth, "-").run();
    }

    private static String key(String namespace, String rule, String identifier) {
        return namespace + '\0' + rule + '\0' + identifier;
    }

    private final class Scanner {
        private final String s;
        private final String namespace;
        private final Path baseDir;
        private final int depth;
        private int i;
        private String rule = "";
        private String previousWord = "";
        private String wordBeforePrevious = "";
        private String wordTwoBack = "";
        private final String fileName;
        /** Brace depth inside the current rule's body; -1 outside a rule. */
        private int braces = -1;
        private int ruleFirstLine;

        Scanner(String s, String namespace, Path baseDir, int depth, String fileName) {
            this.s = s;
            this.namespace = namespace;
            this.baseDir = baseDir;
            this.depth = depth;
            this.fileName = fileName;
        }

        // Line numbers are asked for at increasing positions: counting on from the last answer keeps the scan linear.
        private int linePos;
        private int lineNumber = 1;

        private int lineAt(int pos) {
            if (pos < linePos) {
                linePos = 0;
                lineNumber = 1;
            }
            int stop = Math.min(pos, s.length());
            for (; linePos < stop; linePos++) {
                if (s.charAt(linePos) == '\n') {
                    lineNumber++;
                }
            }
            return lineNumber;
        }

        private void ruleEnds(int lastLine) {
            spans.computeIfAbsent(fileName, f -> new ArrayList<>()).add(new RuleSpan(rule, ruleFirstLine, lastLine));
            braces = -1;
        }

        void run() {
            char previousSymbol = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (s.startsWith("//", i)) {
                    skipLine();
                } else if (s.startsWith("/*", i)) {
                    skipBlockComment();
                } else if (c == '"') {
                    String literal = quoted();
                    if (previousWord.equals("include") && depth < MAX_INCLUDE_DEPTH && baseDir != null) {
                        addFile(baseDir.resolve(literal), namespace, depth + 1);
                    }
                    previousWord = "";
                    previousSymbol = '"';
                } else if (c == '/' && (previousSymbol == '=' || previousWord.equals("matches"))) {
                    skipRegex();
                    previousWord = "";
                    previousSymbol = '/';
                } else if (c == '$' || Character.isLetterOrDigit(c) || c == '_') {
                    int start = i++;
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
                            || s.charAt(i) == '*')) {
                        i++;
                    }
                    String word = s.substring(start, i);
                    if (previousWord.equals("rule")) {
                        if (braces >= 0) {
                            ruleEnds(lineAt(start) - 1); // the previous rule never closed
                        }
                        rule = word;
                        ruleFirstLine = lineAt(start);
                        braces = 0;
                        if (!wordBeforePrevious.equals("private") && !wordTwoBack.equals("private")) {
                            declared.add(namespace + ":" + word);
                        }
                        tags.put(namespace + ":" + word, ruleTags());
                    } else if (word.startsWith("$")) {
                        stringDeclaration(word);
                    }
                    wordTwoBack = wordBeforePrevious;
                    wordBeforePrevious = previousWord;
                    previousWord = word;
                    previousSymbol = 0;
                } else {
                    previousSymbol = c;
                    if (c != '=') {
                        previousWord = "";
                    }
                    if (braces >= 0 && c == '{') {
                        braces++;
                    } else if (braces > 0 && c == '}' && --braces == 0) {
                        ruleEnds(lineAt(i));
                    }
                    i++;
                }
            }
            if (braces >= 0) {
                ruleEnds(Integer.MAX_VALUE);
            }
        }

        /** After {@code rule NAME}: the identifiers between ':' and '{', leaving the position at the '{'. */
        private List<String> ruleTags() {
            int j = skipBlanks(i);
            if (j >= s.length() || s.charAt(j) != ':') {
                return List.of();
            }
            int brace = s.indexOf('{', j);
            int end = brace < 0 ? s.length() : brace;
            List<String> found = new ArrayList<>();
            for (String t : s.substring(j + 1, end).trim().split("\\s+")) {
                if (!t.isEmpty()) {
                    found.add(t);
                }
            }
            i = end;
            return List.copyOf(found);
        }

        /** After {@code $id}: records it when {@code = {} follows, leaving the position after the hex string. */
        private void stringDeclaration(String identifier) {
            int j = skipBlanks(i);
            if (j >= s.length() || s.charAt(j) != '=' || (j + 1 < s.length() && s.charAt(j + 1) == '=')) {
                return;
            }
            int k = skipBlanks(j + 1);
            if (k >= s.length()) {
                return;
            }
            boolean isHex = s.charAt(k) == '{';
            String key = key(namespace, rule, identifier);
            if (identifier.equals("$")) {
                anonymous.computeIfAbsent(key, x -> new int[2])[isHex ? 0 : 1]++;
            } else if (isHex) {
                hex.add(key);
            }
            if (isHex) {
                int end = s.indexOf('}', k);
                i = end < 0 ? s.length() : end + 1;
            }
        }

        private int skipBlanks(int j) {
            while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            return j;
        }

        private void skipLine() {
            int end = s.indexOf('\n', i);
            i = end < 0 ? s.length() : end + 1;
        }

        private void skipBlockComment() {
            int end = s.indexOf("*/", i + 2);
            i = end < 0 ? s.length() : end + 2;
        }

        private String quoted() {
            StringBuilder b = new StringBuilder();
            i++;
            while (i < s.length() && s.charAt(i) != '"' && s.charAt(i) != '\n') {
                if (s.charAt(i) == '\\' && i + 1 < s.length()) {
                    b.append(s.charAt(i));
                    i++;
                }
                b.append(s.charAt(i));
                i++;
            }
            i++;
            return b.toString();
        }

        private void skipRegex() {
            i++;
            while (i < s.length() && s.charAt(i) != '/' && s.charAt(i) != '\n') {
                if (s.charAt(i) == '\\') {
                    i++;
                }
                i++;
            }
            i++;
        }
    }
}
