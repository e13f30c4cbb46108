package dev.vigil.yara.condition;

/** The small evaluation nodes conditions compile to; each static type has its own node shape. */
final class Nodes {

    private Nodes() {
    }

    /** YARA's own marker for an undefined integer (and, as bits, an undefined float). */
    static final long UNDEF = 0xFFFABADAFABADAFFL;
    static final double UNDEF_D = Double.longBitsToDouble(UNDEF);

    static boolean undef(long v) {
        return v == UNDEF;
    }

    static boolean undef(double v) {
        return Double.doubleToRawLongBits(v) == UNDEF;
    }

    /** Integers and booleans (0, 1 or {@link #UNDEF}). */
    @FunctionalInterface
    interface IntNode {
        long eval(Frame f);
    }

    @FunctionalInterface
    interface FloatNode {
        double eval(Frame f);
    }

    /** Strings; null is undefined. */
    @FunctionalInterface
    interface StrNode {
        byte[] eval(Frame f);
    }

    /** Module objects (StructValue, List, Map, ModuleFunction) or compiled regexes; null is undefined. */
    @FunctionalInterface
    interface ObjNode {
        Object eval(Frame f);
    }
}
