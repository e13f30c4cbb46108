package dev.vigil.clamav.ldb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test inputs for logical expressions: the real-world corpus and count vectors that probe an expression. */
final class LogicExpressions {
    private LogicExpressions() {
    }

    /**
     * Expressions of real logical signatures (every .ldb under ../shared/signatures/clamav) followed by seeded random
     * expressions in ClamAV's grammar (blocks, {@code & |}, count modifiers with and without the distinct form).
     */
    static List<String> corpus() throws IOException {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        java.nio.file.Path shared = java.nio.file.Path.of(System.getProperty("vigil.shared", "../shared"), "signatures",
                "clamav");
        if (java.nio.file.Files.isDirectory(shared)) {
            try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(shared)) {
                for (java.nio.file.Path f : files.filter(x -> x.toString().endsWith(".ldb")).sorted().toList()) {
                    for (String line : java.nio.file.Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                        String[] fields = line.split(";", 4);
                        if (!line.startsWith("#") && fields.length > 3) {
                            out.add(fields[2].strip());
                        }
                    }
                }
            }
        }
        Random r = new Random(20261123);
        while (out.size() < 600) {
            out.add(randomExpression(r, 1 + r.nextInt(8), 3));
        }
        return new ArrayList<>(out);
    }

    /** A random expression over subsignatures 0..n-1 that names each of them at least once. */
    static String randomExpression(Random r, int n, int depth) {
        StringBuilder sb = new StringBuilder();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, r);
        appendGroup(sb, r, order, depth);
        return sb.toString();
    }

    private static void appendGroup(StringBuilder sb, Random r, List<Integer> ids, int depth) {
        if (ids.size() == 1 || depth == 0) {
            for (int i = 0; i < ids.size(); i++) {
                if (i > 0) {
                    sb.append(r.nextBoolean() ? '&' : '|');
                }
                if (r.nextInt(5) == 0) {
                    // ClamAV accepts a count modifier inside an operand only when the modified part is enclosed.
                    sb.append('(').append(ids.get(i)).append("=<>".charAt(r.nextInt(3))).append(r.nextInt(4))
                            .append(')');
                } else {
                    sb.append(ids.get(i));
                }
            }
            return;
        }
        int cut = 1 + r.nextInt(ids.size() - 1);
        List<List<Integer>> halves = List.of(ids.subList(0, cut), ids.subList(cut, ids.size()));
        for (int h = 0; h < 2; h++) {
            List<Integer> half = halves.get(h);
            if (h == 1) {
                sb.append(r.nextBoolean() ? '&' : '|');
            }
            boolean block = half.size() > 1;
            boolean modified = block && r.nextInt(3) == 0;
            if (modified) {
                sb.append('(');
            }
            if (block) {
                sb.append('(');
            }
            appendGroup(sb, r, half, depth - 1);
            if (block) {
                sb.append(')');
            }
            if (modified) {
                sb.append("=><".charAt(r.nextInt(3))).append(r.nextInt(4));
                if (half.size() > 1 && r.nextBoolean()) {
                    sb.append(',').append(1 + r.nextInt(half.size()));
                }
                sb.append(')');
            }
        }
    }

    /** Hand-picked shapes that exercise ClamAV's splitting and modifier rules. */
    static List<String> tricky() {
        return List.of("0", "0&1|2", "0|1&2", "(0&1|2)", "(0|1&2)", "(0)", "((0))", "0=0", "0>1", "0<2", "0=2",
                "(0|1)>1", "(0|1)>2,2", "(0|1)=0", "(0&1)=3", "(0|1|2)>1,2", "(0|1|2)>0,3", "((0|1)>1,2|2)",
                "0>1&1<3", "(0=0|1)>0,2", "(0|1)<3,2", "((0|1)>1)&2", "(0&1)>2&(2|3)", "0&(1|2)=1",
                "((0|1)=2,2)", "(0|(1|2)>1,2)", "(0&1&2)|3=0", "0|1|2|3", "(0|1)&(2|3)>1", "0=1|1=1",
                "(0>0,1|1)", "(0|1)>0,1&2=0");
    }

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    /** Count vectors of length {@code n} around the numbers the expression mentions. */
    static List<int[]> vectors(String expression, int n, int howMany, long seed) {
        List<Integer> interesting = new ArrayList<>(List.of(0, 1, 2, 3));
        Matcher m = NUMBER.matcher(expression);
        while (m.find()) {
            int v = Integer.parseInt(m.group());
            for (int d = -1; d <= 1; d++) {
                if (v + d >= 0 && v + d <= 12) {
                    interesting.add(v + d);
                }
            }
        }
        Random r = new Random(seed);
        List<int[]> out = new ArrayList<>();
        out.add(new int[n]);
        int[] ones = new int[n];
        java.util.Arrays.fill(ones, 1);
        out.add(ones);
        while (out.size() < howMany) {
            int[] v = new int[n];
            double density = r.nextDouble();
            for (int i = 0; i < n; i++) {
                v[i] = r.nextDouble() < density ? interesting.get(r.nextInt(interesting.size())) : 0;
            }
            out.add(v);
        }
        return out;
    }
}
