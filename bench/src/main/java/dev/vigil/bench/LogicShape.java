package dev.vigil.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A logical expression over subsignatures {@code 0..n-1} in the shapes seen in the official .ldb files, with an
 * evaluator used to decide which subsignatures must be rare for the signature not to fire on clean files.
 * Rendered fully parenthesised where it matters, because ClamAV splits at the first top-level operator without
 * precedence.
 */
sealed interface LogicShape {

    String render();

    /** ClamAV's semantics for these shapes: an operand holds when its count is non-zero. */
    boolean holds(int[] counts);

    record Leaf(int index) implements LogicShape {
        @Override
        public String render() {
            return Integer.toString(index);
        }

        @Override
        public boolean holds(int[] counts) {
            return counts[index] > 0;
        }
    }

    record And(List<LogicShape> operands) implements LogicShape {
        @Override
        public String render() {
            return join(operands, "&");
        }

        @Override
        public boolean holds(int[] counts) {
            return operands.stream().allMatch(o -> o.holds(counts));
        }
    }

    record Or(List<LogicShape> operands) implements LogicShape {
        @Override
        public String render() {
            return join(operands, "|");
        }

        @Override
        public boolean holds(int[] counts) {
            return operands.stream().anyMatch(o -> o.holds(counts));
        }
    }

    /** {@code (a|b|..)>x} or {@code (a|b|..)>x,y}: more than x matches in all, from at least y distinct members. */
    record MoreThan(List<Integer> members, int times, int distinct) implements LogicShape {
        @Override
        public String render() {
            StringBuilder sb = new StringBuilder();
            if (members.size() == 1) {
                sb.append(members.get(0));
            } else {
                sb.append('(');
                for (int i = 0; i < members.size(); i++) {
                    sb.append(i == 0 ? "" : "|").append(members.get(i));
                }
                sb.append(')');
            }
            sb.append('>').append(times);
            if (distinct > 0) {
                sb.append(',').append(distinct);
            }
            return sb.toString();
        }

        @Override
        public boolean holds(int[] counts) {
            int sum = 0;
            int seen = 0;
            for (int m : members) {
                sum += counts[m];
                seen += counts[m] > 0 ? 1 : 0;
            }
            return sum > times && seen >= distinct;
        }
    }

    private static String join(List<LogicShape> operands, String op) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < operands.size(); i++) {
            LogicShape o = operands.get(i);
            String r = o.render();
            sb.append(i == 0 ? "" : op);
            sb.append(o instanceof Leaf || o instanceof MoreThan && ((MoreThan) o).members().size() == 1 ? r : "(" + r + ")");
        }
        return sb.toString();
    }

    private static List<LogicShape> leaves(int from, int to) {
        List<LogicShape> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new Leaf(i));
        }
        return out;
    }

    /** Only ANDs: used for planted signatures, which must fire when all their strings are present. */
    static LogicShape allOf(int n) {
        return new And(leaves(0, n));
    }

    /** A random shape over {@code n >= 2} subsignatures, weighted towards the common all-AND form. */
    static LogicShape random(int n, SplittableRandom random) {
        int roll = random.nextInt(100);
        if (n < 3) { // 0&1 or 0&1>1
            return roll < 80 ? allOf(n) : new And(List.of(new Leaf(0), new MoreThan(List.of(1), 1, 0)));
        }
        if (roll < 45) {
            return allOf(n);
        }
        if (roll < 65) { // 0&1&(2|3)
            int ands = 1 + random.nextInt(n - 2);
            List<LogicShape> ops = leaves(0, ands);
            ops.add(new Or(leaves(ands, n)));
            return new And(ops);
        }
        if (roll < 75) { // (0|1)&2&3
            List<LogicShape> ops = new ArrayList<>();
            ops.add(new Or(leaves(0, 2)));
            ops.addAll(leaves(2, n));
            return new And(ops);
        }
        if (roll < 85 && n >= 4) { // ((0&1)|(2&3))&4
            List<LogicShape> ops = new ArrayList<>();
            ops.add(new Or(List.of(new And(leaves(0, 2)), new And(leaves(2, 4)))));
            ops.addAll(leaves(4, n));
            return ops.size() == 1 ? ops.get(0) : new And(ops);
        }
        if (roll < 95) { // 0&(1|2)>1,2
            int ands = 1 + random.nextInt(n - 2);
            List<LogicShape> ops = leaves(0, ands);
            List<Integer> members = new ArrayList<>();
            for (int i = ands; i < n; i++) {
                members.add(i);
            }
            int distinct = members.size() > 1 && random.nextBoolean() ? 2 : 0;
            ops.add(new MoreThan(members, 1 + random.nextInt(2), distinct));
            return new And(ops);
        }
        return new Or(leaves(0, n));
    }

    /**
     * Which subsignatures to derive from rare (mutated) bytes so that the expression is false when every other
     * subsignature is present many times, as on clean files full of common strings.
     */
    static boolean[] rareSet(LogicShape shape, int n, SplittableRandom random) {
        for (int attempt = 0; attempt < 32; attempt++) {
            boolean[] rare = new boolean[n];
            for (int i = 0; i < n; i++) {
                // Most subsignatures of real signatures are specific to the malware; a minority are common strings.
                rare[i] = random.nextInt(100) < 85;
            }
            if (!shape.holds(counts(rare))) {
                return rare;
            }
        }
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        return all;
    }

    private static int[] counts(boolean[] rare) {
        int[] c = new int[rare.length];
        for (int i = 0; i < rare.length; i++) {
            c[i] = rare[i] ? 0 : 5;
        }
        return c;
    }
}
