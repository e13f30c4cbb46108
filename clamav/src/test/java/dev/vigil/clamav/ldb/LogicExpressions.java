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

    /** Expressions from real signatures (Cisco-Talos/clamav-signature-util test data, see PROVENANCE). */
    static List<String> corpus() throws IOException {
        try (InputStream in = LogicExpressions.class.getResourceAsStream("/ldb/logical-exprs.txt")) {
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(line.strip());
                }
            }
            return out;
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
