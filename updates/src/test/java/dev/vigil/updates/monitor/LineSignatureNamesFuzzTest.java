package dev.vigil.updates.monitor;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Set;

/** Any bytes under any extension: a set of names (each no longer than a line) or null, never an exception. */
class LineSignatureNamesFuzzTest {
    private static final String[] NAMES = {"a.hdb", "a.ndb", "a.ldb", "a.db", "a.ftm", "a.yar", "a.ign2", "a.bin"};

    @FuzzTest(maxDuration = "30s")
    void names(FuzzedDataProvider data) {
        String file = NAMES[data.consumeInt(0, NAMES.length - 1)];
        byte[] content = data.consumeRemainingAsBytes();
        Set<String> names = LineSignatureNames.names(file, content);
        if (names != null) {
            for (String n : names) {
                if (n.isEmpty() || n.length() > content.length) {
                    throw new AssertionError("impossible name " + n);
                }
            }
        }
    }
}
