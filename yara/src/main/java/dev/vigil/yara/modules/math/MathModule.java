package dev.vigil.yara.modules.math;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;

import java.nio.charset.StandardCharsets;

/**
 * YARA's {@code math} module. Every statistic sums in the order YARA does (over the byte histogram for data ranges,
 * byte by byte for strings) so that results agree to the last bit, not just to the six digits {@code %f} prints.
 */
public final class MathModule implements YaraModule {

    private static final double PI = 3.141592653589793;
    private static final double IN_CIRCLE = Math.pow(Math.pow(256.0, 3.0) - 1, 2.0);

    private static final Type.Struct SCHEMA = Type.struct()
            .floating("MEAN_BYTES")
            .function("in_range", "fff", Type.INTEGER)
            .function("deviation", "iif", Type.FLOAT)
            .function("deviation", "sf", Type.FLOAT)
            .function("mean", "ii", Type.FLOAT)
            .function("mean", "s", Type.FLOAT)
            .function("serial_correlation", "ii", Type.FLOAT)
            .function("serial_correlation", "s", Type.FLOAT)
            .function("monte_carlo_pi", "ii", Type.FLOAT)
            .function("monte_carlo_pi", "s", Type.FLOAT)
            .function("entropy", "ii", Type.FLOAT)
            .function("entropy", "s", Type.FLOAT)
            .function("min", "ii", Type.INTEGER)
            .function("max", "ii", Type.INTEGER)
            .function("to_number", "b", Type.INTEGER)
            .function("abs", "i", Type.INTEGER)
            .function("count", "iii", Type.INTEGER)
            .function("count", "i", Type.INTEGER)
            .function("percentage", "iii", Type.FLOAT)
            .function("percentage", "i", Type.FLOAT)
            .function("mode", "ii", Type.INTEGER)
            .function("mode", "", Type.INTEGER)
            .function("to_string", "i", Type.STRING)
            .function("to_string", "ii", Type.STRING)
            .build();

    @Override
    public String name() {
        return "math";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) {
        Functions f = new Functions(context);
        return new StructValue()
                .set("MEAN_BYTES", 127.5)
                .set("in_range", (ModuleFunction) (o, a) -> inRange(d(a[0]), d(a[1]), d(a[2])))
                .set("deviation", (ModuleFunction) (o, a) -> o == 0
                        ? f.deviation(l(a[0]), l(a[1]), d(a[2])) : deviation((byte[]) a[0], d(a[1])))
                .set("mean", (ModuleFunction) (o, a) -> o == 0 ? f.mean(l(a[0]), l(a[1])) : mean((byte[]) a[0]))
                .set("serial_correlation", (ModuleFunction) (o, a) -> o == 0
                        ? f.serialCorrelation(l(a[0]), l(a[1])) : serialCorrelation((byte[]) a[0]))
                .set("monte_carlo_pi", (ModuleFunction) (o, a) -> o == 0
                        ? f.monteCarloPi(l(a[0]), l(a[1])) : monteCarloPi((byte[]) a[0]))
                .set("entropy", (ModuleFunction) (o, a) -> o == 0
                        ? f.entropy(l(a[0]), l(a[1])) : entropy((byte[]) a[0]))
                .set("min", (ModuleFunction) (o, a) -> ScanRange.integer(
                        Long.compareUnsigned(l(a[0]), l(a[1])) < 0 ? l(a[0]) : l(a[1])))
                .set("max", (ModuleFunction) (o, a) -> ScanRange.integer(
                        Long.compareUnsigned(l(a[0]), l(a[1])) > 0 ? l(a[0]) : l(a[1])))
                .set("to_number", (ModuleFunction) (o, a) -> truth(a[0]) ? 1L : 0L)
                // llabs(INT64_MIN) wraps to itself on the platforms YARA runs on; Math.abs does the same
                .set("abs", (ModuleFunction) (o, a) -> ScanRange.integer(Math.abs(l(a[0]))))
                .set("count", (ModuleFunction) (o, a) -> o == 0
                        ? f.count(l(a[0]), l(a[1]), l(a[2])) : f.countGlobal(l(a[0])))
                .set("percentage", (ModuleFunction) (o, a) -> o == 0
                        ? f.percentage(l(a[0]), l(a[1]), l(a[2])) : f.percentageGlobal(l(a[0])))
                .set("mode", (ModuleFunction) (o, a) -> o == 0 ? f.mode(l(a[0]), l(a[1])) : f.modeGlobal())
                .set("to_string", (ModuleFunction) (o, a) -> o == 0 ? ascii(Long.toString(l(a[0])))
                        : toString(l(a[0]), l(a[1])));
    }

    private static long l(Object o) {
        return ((Number) o).longValue();
    }

    /** Float parameters also accept an integer, in case the caller did not convert it. */
    private static double d(Object o) {
        return ((Number) o).doubleValue();
    }

    private static boolean truth(Object o) {
        return o instanceof Boolean b ? b : ((Number) o).longValue() != 0;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static Long inRange(double test, double lower, double upper) {
        return lower <= test && test <= upper ? 1L : 0L;
    }

    /** {@code %o} and {@code %x} print the two's complement bits, as C does for a negative int64. */
    static byte[] toString(long value, long base) {
        return switch ((int) Math.max(Math.min(base, 100), -1)) {
            case 10 -> ascii(Long.toString(value));
            case 8 -> ascii(Long.toOctalString(value));
            case 16 -> ascii(Long.toHexString(value));
            default -> null;
        };
    }

    static Double entropy(byte[] s) {
        long[] counts = new long[256];
        for (byte b : s) {
            counts[b & 0xff]++;
        }
        return ScanRange.floating(entropy(counts, s.length));
    }

    static double entropy(long[] counts, long total) {
        double entropy = 0.0;
        for (int i = 0; i < 256; i++) {
            if (counts[i] != 0) {
                double x = (double) counts[i] / total;
                entropy -= x * log2(x);
            }
        }
        return entropy;
    }

    /**
     * Base-2 logarithm, exact for powers of two: the exponent is split off so that only the mantissa goes through
     * a natural logarithm (C has log2, Java does not).
     */
    static double log2(double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            return Math.log(x) / Math.log(2.0);
        }
        int exponent = Math.getExponent(x);
        if (exponent < Double.MIN_EXPONENT) {
            return Math.log(x) / Math.log(2.0);
        }
        double mantissa = Math.scalb(x, -exponent);
        if (mantissa > Math.sqrt(2.0)) {
            mantissa /= 2;
            exponent++;
        }
        if (mantissa == 1.0) {
            return exponent;
        }
        return exponent + Math.log(mantissa) / Math.log(2.0);
    }

    /** The string forms below read bytes as C {@code char}, signed on the platforms YARA is built for. */
    static Double deviation(byte[] s, double mean) {
        double sum = 0.0;
        for (byte b : s) {
            sum += Math.abs((double) b - mean);
        }
        return ScanRange.floating(sum / s.length);
    }

    static Double mean(byte[] s) {
        double sum = 0.0;
        for (byte b : s) {
            sum += (double) b;
        }
        return ScanRange.floating(sum / s.length);
    }

    static Double serialCorrelation(byte[] s) {
        SerialCorrelation sc = new SerialCorrelation(true);
        sc.add(s, s.length);
        return ScanRange.floating(sc.result());
    }

    static Double monteCarloPi(byte[] s) {
        MonteCarlo mc = new MonteCarlo(true);
        mc.add(s, s.length);
        return mc.result();
    }

    /** The data-range forms, reading the scanned data lazily. */
    private static final class Functions {
        private final ModuleContext context;
        private long[] globalHistogram;

        Functions(ModuleContext context) {
            this.context = context;
        }

        Double entropy(long offset, long length) {
            long[] h = ScanRange.histogram(context, offset, length);
            return h == null ? null : ScanRange.floating(MathModule.entropy(h, total(h)));
        }

        Double deviation(long offset, long length, double mean) {
            long[] h = ScanRange.histogram(context, offset, length);
            if (h == null) {
                return null;
            }
            double sum = 0.0;
            long total = 0;
            for (int i = 0; i < 256; i++) {
                total += h[i];
                sum += Math.abs((double) i - mean) * h[i];
            }
            return ScanRange.floating(sum / total);
        }

        Double mean(long offset, long length) {
            long[] h = ScanRange.histogram(context, offset, length);
            if (h == null) {
                return null;
            }
            double sum = 0.0;
            long total = 0;
            for (int i = 0; i < 256; i++) {
                total += h[i];
                sum += (double) i * h[i];
            }
            return ScanRange.floating(sum / total);
        }

        Double serialCorrelation(long offset, long length) {
            if (!ScanRange.defined(offset, length, context.size())) {
                return null;
            }
            SerialCorrelation sc = new SerialCorrelation(false);
            ScanRange.stream(context, offset, length, sc::add);
            return ScanRange.floating(sc.result());
        }

        Double monteCarloPi(long offset, long length) {
            if (!ScanRange.defined(offset, length, context.size())) {
                return null;
            }
            MonteCarlo mc = new MonteCarlo(false);
            ScanRange.stream(context, offset, length, mc::add);
            return mc.result();
        }

        Long count(long value, long offset, long length) {
            if (value < 0 || value > 255) {
                return null;
            }
            long[] h = ScanRange.histogram(context, offset, length);
            return h == null ? null : h[(int) value];
        }

        Long countGlobal(long value) {
            long[] h = global();
            return value < 0 || value > 255 || h == null ? null : h[(int) value];
        }

        /** YARA divides in single precision here. */
        Double percentage(long value, long offset, long length) {
            if (value < 0 || value > 255) {
                return null;
            }
            long[] h = ScanRange.histogram(context, offset, length);
            return h == null ? null : ScanRange.floating((float) h[(int) value] / (float) total(h));
        }

        Double percentageGlobal(long value) {
            if (value < 0 || value > 255) {
                return null;
            }
            long[] h = global();
            return h == null ? null : ScanRange.floating((float) h[(int) value] / (float) total(h));
        }

        Long mode(long offset, long length) {
            long[] h = ScanRange.histogram(context, offset, length);
            return h == null ? null : mostCommon(h);
        }

        Long modeGlobal() {
            long[] h = global();
            return h == null ? null : mostCommon(h);
        }

        /** The whole data's histogram, computed once per scan; null (undefined) for empty data, as in YARA. */
        private long[] global() {
            if (globalHistogram == null) {
                globalHistogram = ScanRange.histogram(context, 0, context.size());
            }
            return globalHistogram;
        }
    }

    private static long total(long[] h) {
        long total = 0;
        for (long c : h) {
            total += c;
        }
        return total;
    }

    private static long mostCommon(long[] h) {
        int best = 0;
        for (int i = 0; i < 256; i++) {
            if (h[i] > h[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Serial correlation coefficient accumulated byte by byte, as in YARA (and ent). */
    private static final class SerialCorrelation {
        private double first;
        private double last;
        private double t1;
        private double t2;
        private double t3;
        private long count;
        private final int mask;

        /** {@code signedChars}: the string forms read C {@code char}, which is signed where YARA is built. */
        SerialCorrelation(boolean signedChars) {
            mask = signedChars ? -1 : 0xff;
        }

        void add(byte[] chunk, int n) {
            for (int i = 0; i < n; i++) {
                double u = chunk[i] & mask;
                if (count == 0) {
                    first = u;
                }
                t1 += last * u;
                t2 += u;
                t3 += u * u;
                last = u;
                count++;
            }
        }

        double result() {
            double a = t1;
            if (count > 0) {
                a += last * first;
            }
            double squared = t2 * t2;
            double scc = count * t3 - squared;
            return scc == 0 ? -100000 : (count * a - squared) / scc;
        }
    }

    /** Monte Carlo estimate of pi from 6-byte points; its relative error is the result. */
    private static final class MonteCarlo {
        private final long[] point = new long[6];
        private final long mask;
        private long index;
        private int points;
        private int inside;

        /** {@code signedChars}: a negative C char becomes a huge unsigned int in the string form, as in YARA. */
        MonteCarlo(boolean signedChars) {
            mask = signedChars ? 0xffff_ffffL : 0xff;
        }

        void add(byte[] chunk, int n) {
            for (int i = 0; i < n; i++, index++) {
                point[(int) (index % 6)] = chunk[i] & mask;
                if (index % 6 == 5) {
                    double x = 0;
                    double y = 0;
                    points++;
                    for (int j = 0; j < 3; j++) {
                        x = x * 256.0 + point[j];
                        y = y * 256.0 + point[j + 3];
                    }
                    if (x * x + y * y <= IN_CIRCLE) {
                        inside++;
                    }
                }
            }
        }

        Double result() {
            if (points == 0) {
                return null;
            }
            double estimate = 4.0 * ((double) inside / points);
            return ScanRange.floating(Math.abs((estimate - PI) / PI));
        }
    }
}
