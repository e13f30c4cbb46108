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
 *
 * <p>The scan runs on first use only: most runs need neither answer (only {@code -s} output of a match and {@code -l}
 * do), and on a large rule set the scan costs a sizeable part of a compile-only run's CPU time (its loop gets
 * JIT-compiled on the one core the compiler uses).
 */
final class RuleSourceIndex implements YaraOutput.HexStrings {
    private static final int MAX_INCLUDE_DEPTH = 16;

    /** namespace, rule and identifier joined by NUL; for "$" (anonymous) only when every anonymous string is hex. */
    private final Set<String> hex = new HashSet<>();
    private final Map<String, int[]> anonymous = new HashMap<>(); // key -> {hex count, other count}
    /** "namespace:name" of the non-private rules, in declaration order. */
    private final List<String> declared = new ArrayList<>();
    /** Sources added but not scanned yet, in the order given. */
    private final List<Runnable> pending = new ArrayList<>();

    private void scanPending() {
        // a scan may add files (includes) directly; those are scanned at once, never queued
        for (int k = 0; k < pending.size(); k++) {
            pending.get(k).run();
        }
        pending.clear();
    }

    List<String> declaredRules() {
        scanPending();
        return declared;
    }

    @Override
    public boolean isHex(String namespace, String rule, String identifier) {
        scanPending();
        String key = key(namespace, rule, identifier);
        if (identifier.equals("$")) {
            int[] counts = anonymous.get(key);
            return counts != null && counts[0] > 0 && counts[1] == 0;
        }
        return hex.contains(key);
    }

    void addFile(Path file, String namespace) {
        pending.add(() -> addFile(file, namespace, 0));
    }

    private void addFile(Path file, String namespace, int depth) {
        try {
            new Scanner(Files.readString(file, StandardCharsets.ISO_8859_1), namespace,
                    file.toAbsolutePath().getParent(), depth).run();
        } catch (IOException | RuntimeException e) {
            // the compiler reports unreadable files; here they just contribute nothing
        }
    }

    void addSource(String src, String namespace, Path baseDir, int depth) {
        pending.add(() -> new Scanner(src, namespace, baseDir, depth).run());
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
        /** Brace depth inside the current rule's body; -1 outside a rule. */
        private int braces = -1;

        Scanner(String s, String namespace, Path baseDir, int depth) {
            this.s = s;
            this.namespace = namespace;
            this.baseDir = baseDir;
            this.depth = depth;
        }

        private void ruleEnds() {
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
                            ruleEnds(); // the previous rule never closed
                        }
                        rule = word;
                        skipTags();
                        braces = 0;
                        if (!wordBeforePrevious.equals("private") && !wordTwoBack.equals("private")) {
                            declared.add(namespace + ":" + word);
                        }
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
                        ruleEnds();
                    }
                    i++;
                }
            }
            if (braces >= 0) {
                ruleEnds();
            }
        }

        /** After {@code rule NAME}: skips the tags, leaving the position at the '{'. */
        private void skipTags() {
            int j = skipBlanks(i);
            if (j < s.length() && s.charAt(j) == ':') {
                int brace = s.indexOf('{', j);
                i = brace < 0 ? s.length() : brace;
            }
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
