package dev.vigil.unpack.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The MIME-relevant headers of one message or body part. Parameters of {@code Content-Type} and
 * {@code Content-Disposition} go into one list in header order and a lookup returns the first match: that is how
 * ClamAV resolves a {@code boundary} given twice (or given in {@code Content-Disposition} first), so Vigil splits a
 * message exactly where ClamAV does.
 */
final class MimeHeaders {
    /** Longest header (continuations included) that is parsed; the rest of a longer one is ignored. */
    static final int MAX_HEADER = 64 * 1024;
    /** Parameters kept per part; a part with more is hostile and the rest are ignored. */
    static final int MAX_PARAMS = 1000;

    String type;
    String encoding;
    final List<String[]> params = new ArrayList<>();

    String param(String name) {
        for (String[] p : params) {
            if (p[0].equals(name)) {
                return p[1];
            }
        }
        return null;
    }

    boolean isMultipart() {
        return type != null && type.startsWith("multipart/");
    }

    /** Takes one unfolded header line. */
    void add(String line) {
        String clean = stripComments(line);
        int colon = clean.indexOf(':');
        if (colon <= 0) {
            return;
        }
        String name = clean.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = clean.substring(colon + 1).trim();
        switch (name) {
            case "content-type" -> {
                String[] pieces = value.split(";", -1);
                String t = pieces[0].trim().toLowerCase(Locale.ROOT);
                if (type == null && !t.isEmpty()) {
                    type = t;
                }
                addParams(pieces);
            }
            case "content-disposition" -> addParams(value.split(";", -1));
            case "content-transfer-encoding" -> {
                if (encoding == null) {
                    encoding = value.toLowerCase(Locale.ROOT);
                }
            }
            default -> {
            }
        }
    }

    private void addParams(String[] pieces) {
        for (int i = 1; i < pieces.length && params.size() < MAX_PARAMS; i++) {
            String piece = pieces[i].trim();
            int eq = piece.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = piece.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = piece.substring(eq + 1).trim();
            if (name.endsWith("*0*") || name.endsWith("*0")) {
                name = name.substring(0, name.indexOf('*'));
            }
            if (name.endsWith("*")) {
                // RFC 2231: charset'language'percent-encoded-value
                name = name.substring(0, name.length() - 1);
                int q = value.indexOf('\'');
                int q2 = q < 0 ? -1 : value.indexOf('\'', q + 1);
                if (q2 >= 0) {
                    value = percentDecode(value.substring(q2 + 1));
                }
            }
            params.add(new String[] {name, unquote(value)});
        }
    }

    static String unquote(String v) {
        if (v.startsWith("\"")) {
            v = v.substring(1);
        }
        int end = v.indexOf('"');
        return end >= 0 ? v.substring(0, end) : v;
    }

    private static String percentDecode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int v = hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2));
                if (v >= 0) {
                    out.append((char) v);
                    i += 2;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static int hex(char c) {
        int v = Character.digit(c, 16);
        return v < 0 ? -256 : v;
    }

    /** Removes RFC 822 comments (nested parentheses) outside quoted strings, names included. */
    static String stripComments(String s) {
        if (s.indexOf('(') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                if (depth == 0) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
            } else if (depth == 0 && c == '"') {
                quoted = !quoted;
                out.append(c);
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
            } else if (depth == 0) {
                out.append(c);
            }
        }
        return out.toString();
    }
}
