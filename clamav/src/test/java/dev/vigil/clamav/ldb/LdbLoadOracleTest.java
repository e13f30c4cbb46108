package dev.vigil.clamav.ldb;

import dev.vigil.clamav.LoadOptions;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.clamav.hex.HexPatternParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether a line loads, is skipped or is rejected: {@link LdbParser} against clamscan, line by line, for the corner
 * cases in {@code ldb/load-cases.ldb}, and for the real-world expression corpus.
 */
class LdbLoadOracleTest {

    private static Clamscan.LoadOutcome vigil(String line) {
        try {
            return LdbParser.parse(line, "X", LoadOptions.DEFAULT) == null
                    ? Clamscan.LoadOutcome.SKIPPED : Clamscan.LoadOutcome.LOADED;
        } catch (SignatureSyntaxException e) {
            return Clamscan.LoadOutcome.REJECTED;
        }
    }

    private static boolean hexParserAvailable() {
        try {
            HexPatternParser.parse("4142");
            return true;
        } catch (SignatureSyntaxException e) {
            return false;
        }
    }

    static List<String> cases() throws IOException {
        try (InputStream in = LdbLoadOracleTest.class.getResourceAsStream("/ldb/load-cases.ldb")) {
            List<String> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(line);
                }
            }
            return out;
        }
    }

    @Test
    void cornerCasesLoadSkipOrFailAsInClamscan(@TempDir Path tmp) throws Exception {
        Clamscan.assumeAvailable();
        boolean hex = hexParserAvailable();
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (String line : cases()) {
            Clamscan.LoadOutcome ours = vigil(line);
            if (!hex && ours == Clamscan.LoadOutcome.REJECTED && vigilRejectsOnlyForHex(line)) {
                continue;
            }
            Path db = tmp.resolve("case.ldb");
            Files.writeString(db, line + "\n", StandardCharsets.ISO_8859_1);
            Clamscan.LoadOutcome clam = Clamscan.load(db);
            compared++;
            if (clam != ours) {
                mismatches.add(line + "  clamscan=" + clam + " vigil=" + ours);
            }
        }
        assertThat(mismatches).as("%d lines compared", compared).isEmpty();
    }

    @Test
    void documentedDivergencesAreStillDivergences(@TempDir Path tmp) throws Exception {
        Clamscan.assumeAvailable();
        String text;
        try (InputStream in = LdbLoadOracleTest.class.getResourceAsStream("/ldb/load-divergences.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        for (String entry : text.split("\n")) {
            if (entry.isEmpty() || entry.startsWith("#")) {
                continue;
            }
            String[] f = entry.split("\t", 2);
            Path db = tmp.resolve("case.ldb");
            Files.writeString(db, f[1] + "\n", StandardCharsets.ISO_8859_1);
            assertThat(Clamscan.load(db)).as(f[1]).isEqualTo(Clamscan.LoadOutcome.LOADED);
            assertThat(vigil(f[1])).as(f[1]).isEqualTo(Clamscan.LoadOutcome.valueOf(f[0]));
        }
    }

    private static boolean vigilRejectsOnlyForHex(String line) {
        try {
            LdbParser.parse(line, "X", LoadOptions.DEFAULT);
            return false;
        } catch (SignatureSyntaxException e) {
            return e.getMessage().contains("TODO(clamav-readers)");
        }
    }

    private static final Pattern KNOWN = Pattern.compile("Known viruses: (\\d+)");

    @Test
    void realWorldExpressionsLoadExactlyWhenClamscanLoadsThem(@TempDir Path tmp) throws Exception {
        Clamscan.assumeAvailable();
        // PCRE subsignatures stand in for content ones, so the hex parser is not needed: each needs an earlier trigger
        StringBuilder accepted = new StringBuilder();
        int acceptedCount = 0;
        List<String> rejected = new ArrayList<>();
        int j = 0;
        for (String e : LogicExpressions.corpus()) {
            j++;
            int n;
            try {
                n = ClamLogicExpression.parse(e).maxSubsignature() + 1;
            } catch (SignatureSyntaxException ex) {
                rejected.add(e);
                continue;
            }
            String line = line("C" + j, e, n);
            assertThat(vigil(line)).as(line).isEqualTo(Clamscan.LoadOutcome.LOADED);
            accepted.append(line).append('\n');
            acceptedCount++;
        }
        Path db = tmp.resolve("all.ldb");
        Files.writeString(db, accepted, StandardCharsets.ISO_8859_1);
        Clamscan.Run r = Clamscan.run(List.of("-d", db.toString(), Clamscan.emptyFile().toString()));
        Matcher m = KNOWN.matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(acceptedCount);
        // an expression we reject must fail in clamscan whatever the number of subsignatures
        for (String e : rejected) {
            for (int n : new int[] {1, 2, 6}) {
                Path one = tmp.resolve("one.ldb");
                Files.writeString(one, line("R", e, n) + "\n", StandardCharsets.ISO_8859_1);
                assertThat(Clamscan.load(one)).as(e + " with " + n + " subsignatures")
                        .isEqualTo(Clamscan.LoadOutcome.REJECTED);
            }
        }
    }

    /** Subsignature 0 is a byte-compare, the others PCREs triggered by their predecessor: no hex parser needed. */
    private static String line(String name, String expression, int n) {
        StringBuilder sb = new StringBuilder(name).append(";Engine:81-255,Target:0;").append(expression);
        for (int i = 0; i < n; i++) {
            sb.append(';').append(i == 0 ? "0(>>1#ib1#=1)" : (i - 1) + "/x" + i + "y/");
        }
        return sb.toString();
    }
}
