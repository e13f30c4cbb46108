package dev.vigil.daemon.http;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line must be a HELP, a TYPE or a
 * sample; a family's TYPE comes before its samples and once only; names and label names follow the format's
 * grammar; label values use only the three escapes; no series repeats; histograms have increasing cumulative
 * buckets ending with le="+Inf" equal to _count; the text ends with a line feed.
 */
final class PrometheusText {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** The parsed samples, keyed by name and then by sorted labels. */
    record Exposition(Map<String, String> types, Map<String, Map<Map<String, String>, Double>> samples) {
        double value(String name, Map<String, String> labels) {
            Map<Map<String, String>, Double> series = samples.get(name);
            if (series == null || !series.containsKey(new TreeMap<>(labels))) {
                throw new AssertionError("no sample " + name + labels + " in " + samples);
            }
            return series.get(new TreeMap<>(labels));
        }

        String type(String family) {
            return types.get(family);
        }
    }

    private PrometheusText() {
    }

    static Exposition parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the text must end with a line feed");
        }
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helps = new HashSet<>();
        Set<String> sampled = new HashSet<>();
        Map<String, Map<Map<String, String>, Double>> samples = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + lineNo + ": " + line;
            if (line.startsWith("#")) {
                String[] f = line.split(" ", 4);
                if (f.length >= 3 && f[1].equals("HELP")) {
                    requireName(f[2], where);
                    if (!helps.add(f[2])) {
                        throw new IllegalArgumentException("second HELP, " + where);
                    }
                    if (f.length == 4) {
                        checkEscapes(f[3], "\\n", where);
                    }
                } else if (f.length == 4 && f[1].equals("TYPE")) {
                    requireName(f[2], where);
                    if (!TYPES.contains(f[3])) {
                        throw new IllegalArgumentException("unknown type, " + where);
                    }
                    if (types.putIfAbsent(f[2], f[3]) != null || sampled.contains(f[2])) {
                        throw new IllegalArgumentException("TYPE repeated or after samples, " + where);
                    }
                } else if (f.length >= 2 && (f[1].equals("HELP") || f[1].equals("TYPE"))) {
                    throw new IllegalArgumentException("malformed " + f[1] + ", " + where);
                }
                continue; // other comments are allowed
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
                i++;
            }
            String name = line.substring(0, i);
            requireName(name, where);
            Map<String, String> labels = new TreeMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i = labels(line, i + 1, labels, where);
            }
            if (i >= line.length() || line.charAt(i) != ' ') {
                throw new IllegalArgumentException("space before the value expected, " + where);
            }
            String[] rest = line.substring(i + 1).split(" ");
            if (rest.length < 1 || rest.length > 2) {
                throw new IllegalArgumentException("value [timestamp] expected, " + where);
            }
            double value = value(rest[0], where);
            if (rest.length == 2) {
                Long.parseLong(rest[1]);
            }
            String family = family(name, types);
            if (!types.containsKey(family)) {
                throw new IllegalArgumentException("sample before its TYPE, " + where);
            }
            sampled.add(family);
            if (samples.computeIfAbsent(name, k -> new HashMap<>()).put(labels, value) != null) {
                throw new IllegalArgumentException("repeated series, " + where);
            }
        }
        types.forEach((family, type) -> {
            if (type.equals("histogram")) {
                checkHistogram(family, samples);
            }
        });
        return new Exposition(types, samples);
    }

    private static String family(String name, Map<String, String> types) {
        for (String suffix : new String[]{"_bucket", "_sum", "_count"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String t = types.get(base);
                if ("histogram".equals(t) || ("summary".equals(t) && !suffix.equals("_bucket"))) {
                    return base;
                }
            }
        }
        return name;
    }

    private static void checkHistogram(String family, Map<String, Map<Map<String, String>, Double>> samples) {
        Map<Map<String, String>, Double> buckets = samples.getOrDefault(family + "_bucket", Map.of());
        TreeMap<Double, Double> byBound = new TreeMap<>();
        buckets.forEach((labels, v) -> {
            String le = labels.get("le");
            if (le == null || labels.size() != 1) {
                throw new IllegalArgumentException(family + " bucket without le (or with other labels)");
            }
            byBound.put(value(le, family), v);
        });
        if (byBound.isEmpty() || byBound.lastKey() != Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(family + " has no le=\"+Inf\" bucket");
        }
        double previous = 0;
        for (double v : byBound.values()) {
            if (v < previous) {
                throw new IllegalArgumentException(family + " buckets are not cumulative");
            }
            previous = v;
        }
        Double count = samples.getOrDefault(family + "_count", Map.of()).get(Map.of());
        if (count == null || !samples.getOrDefault(family + "_sum", Map.of()).containsKey(Map.of())) {
            throw new IllegalArgumentException(family + " lacks _sum or _count");
        }
        if (count.doubleValue() != byBound.lastEntry().getValue()) {
            throw new IllegalArgumentException(family + " _count differs from its +Inf bucket");
        }
    }

    private static int labels(String line, int i, Map<String, String> out, String where) {
        while (true) {
            if (i < line.length() && line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0) {
                throw new IllegalArgumentException("label without value, " + where);
            }
            String name = line.substring(i, eq);
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                throw new IllegalArgumentException("bad label name '" + name + "', " + where);
            }
            if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("label value must be quoted, " + where);
            }
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            while (true) {
                if (j >= line.length()) {
                    throw new IllegalArgumentException("unterminated label value, " + where);
                }
                char c = line.charAt(j++);
                if (c == '"') {
                    break;
                }
                if (c == '\\') {
                    if (j >= line.length()) {
                        throw new IllegalArgumentException("dangling escape, " + where);
                    }
                    char e = line.charAt(j++);
                    switch (e) {
                        case '\\' -> v.append('\\');
                        case '"' -> v.append('"');
                        case 'n' -> v.append('\n');
                        default -> throw new IllegalArgumentException("bad escape \\" + e + ", " + where);
                    }
                } else {
                    v.append(c);
                }
            }
            if (out.put(name, v.toString()) != null) {
                throw new IllegalArgumentException("repeated label, " + where);
            }
            i = j;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            } else if (i >= line.length() || line.charAt(i) != '}') {
                throw new IllegalArgumentException("',' or '}' expected, " + where);
            }
        }
    }

    private static void requireName(String name, String where) {
        if (!METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name '" + name + "', " + where);
        }
    }

    private static void checkEscapes(String s, String allowed, String where) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\') {
                if (i + 1 >= s.length() || (s.charAt(i + 1) != '\\' && allowed.indexOf(s.charAt(i + 1)) < 0)) {
                    throw new IllegalArgumentException("bad escape in HELP, " + where);
                }
                i++;
            }
        }
    }

    private static double value(String s, String where) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                if (!s.matches("[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
                    throw new IllegalArgumentException("bad number '" + s + "', " + where);
                }
                yield Double.parseDouble(s);
            }
        };
    }
}
