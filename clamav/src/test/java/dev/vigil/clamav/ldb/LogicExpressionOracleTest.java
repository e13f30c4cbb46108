package dev.vigil.clamav.ldb;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares {@link ClamLogicExpression#evaluate} with clamscan: for each expression a signature whose subsignature i
 * is a distinct 4-byte marker, and files holding marker i exactly counts[i] times; clamscan's verdict on each file
 * must equal the expression evaluated on counts.
 */
class LogicExpressionOracleTest {
    /** Every n-th corpus expression, to keep the run short; -Dvigil.ldb.fullOracle=true takes all of them. */
    private static final int STRIDE = Boolean.getBoolean("vigil.ldb.fullOracle") ? 1 : 6;
    private static final int VECTORS = Boolean.getBoolean("vigil.ldb.fullOracle") ? 12 : 5;

    static String marker(int i) {
        return String.format("a75c%02xe3", i);
    }

    static byte[] fileFor(int[] counts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, (byte) 0xff, 0, (byte) 0xfe, 0, 0});
        for (int i = 0; i < counts.length; i++) {
            for (int k = 0; k < counts[i]; k++) {
                out.writeBytes(new byte[] {(byte) 0xa7, 0x5c, (byte) i, (byte) 0xe3, 0, 0});
            }
        }
        return out.toByteArray();
    }

    @Test
    void evaluationAgreesWithClamscan(@TempDir Path tmp) throws Exception {
        Clamscan.assumeAvailable();
        List<String> expressions = new ArrayList<>(LogicExpressions.tricky());
        List<String> corpus = LogicExpressions.corpus();
        for (int i = 0; i < corpus.size(); i += STRIDE) {
            expressions.add(corpus.get(i));
        }
        Path inputs = Files.createDirectories(tmp.resolve("inputs"));
        StringBuilder db = new StringBuilder();
        record Case(String file, String sig, String expression, int[] counts, boolean expected) {
        }
        List<Case> cases = new ArrayList<>();
        for (int j = 0; j < expressions.size(); j++) {
            String text = expressions.get(j);
            ClamLogicExpression e = ClamLogicExpression.parse(text);
            int n = e.maxSubsignature() + 1;
            db.append("E").append(j).append(";Target:0;").append(text);
            for (int i = 0; i < n; i++) {
                db.append(';').append(marker(i));
            }
            db.append('\n');
            List<int[]> vectors = LogicExpressions.vectors(text, n, VECTORS, j);
            for (int k = 0; k < vectors.size(); k++) {
                String file = "e" + j + "_" + k + ".bin";
                Files.write(inputs.resolve(file), fileFor(vectors.get(k)));
                cases.add(new Case(file, "E" + j, text, vectors.get(k), e.evaluate(vectors.get(k))));
            }
        }
        Path ldb = tmp.resolve("exprs.ldb");
        Files.writeString(ldb, db, StandardCharsets.ISO_8859_1);
        Map<String, Set<String>> found = Clamscan.scan(ldb, inputs);
        List<String> mismatches = new ArrayList<>();
        for (Case c : cases) {
            boolean clam = found.getOrDefault(c.file(), Set.of()).contains(c.sig());
            if (clam != c.expected()) {
                mismatches.add(c.expression() + " counts=" + java.util.Arrays.toString(c.counts())
                        + " clamscan=" + clam + " vigil=" + c.expected());
            }
        }
        assertThat(mismatches).as("%d cases", cases.size()).isEmpty();
    }
}
