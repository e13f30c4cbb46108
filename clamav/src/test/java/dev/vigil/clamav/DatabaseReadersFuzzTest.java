package dev.vigil.clamav;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;

/**
 * Any bytes under any database extension must load or fail with DatabaseException, never anything else. Two files
 * in a row, so that ignore lists meet the signatures after them.
 */
class DatabaseReadersFuzzTest {
    private static final String[] NAMES = {"f.hdb", "f.hsb", "f.mdb", "f.msb", "f.imp", "f.fp", "f.sfp", "f.ndb",
            "f.db", "f.ign", "f.ign2", "f.ftm", "f.cdb", "f.idb", "f.crb", "f.pdb", "f.wdb", "f.gdb", "f.zmd",
            "f.pwdb", "f.cfg", "f.info", "f.hdu", "f.sdb"};

    @FuzzTest(maxDuration = "60s")
    void databases(FuzzedDataProvider data) {
        boolean pua = data.consumeBoolean();
        String first = data.pickValue(NAMES);
        String second = data.pickValue(NAMES);
        byte[] a = data.consumeBytes(data.consumeInt(0, 4096));
        byte[] b = data.consumeRemainingAsBytes();
        ClamAvLoader loader = new ClamAvLoader(LoadOptions.DEFAULT.withDetectPua(pua));
        EngineBuilder builder = Engine.builder();
        try {
            loader.loadContent(first, a, builder);
            loader.loadContent(second, b, builder);
        } catch (DatabaseException expected) {
            // refused cleanly
        }
    }
}
