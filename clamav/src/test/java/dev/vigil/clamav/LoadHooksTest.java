package dev.vigil.clamav;

import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The hooks a daemon uses to collect load garbage: one run per database read, two per engine build. */
class LoadHooksTest {
    @Test
    void afterEachDatabaseRunsOncePerDatabaseFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Test.A\n");
        Files.writeString(dir.resolve("b.ndb"), "Test.B:0:*:41424344454647\n");
        Files.writeString(dir.resolve("c.ldb"), "Test.C;Engine:51-255,Target:0;0&1;41424344;45464748\n");
        Files.writeString(dir.resolve("notes.txt"), "not a database\n");
        AtomicInteger runs = new AtomicInteger();
        EngineBuilder builder = Engine.builder();
        int loaded = new ClamAvLoader(LoadOptions.DEFAULT).afterEachDatabase(runs::incrementAndGet).load(dir, builder);
        assertThat(loaded).isEqualTo(3);
        assertThat(runs).hasValue(3);
    }

    @Test
    void betweenBuildStagesRunsBeforeEachStage(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.ndb"), "Test.B:0:*:41424344454647\n");
        AtomicInteger runs = new AtomicInteger();
        EngineBuilder builder = Engine.builder().betweenBuildStages(runs::incrementAndGet);
        new ClamAvLoader(LoadOptions.DEFAULT).load(dir, builder);
        assertThat(runs).hasValue(0);
        Engine engine = builder.build();
        assertThat(runs).hasValue(2);
        assertThat(engine.scan("xxABCDEFGxx".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).detections())
                .extracting(d -> d.name()).containsExactly("Test.B.UNOFFICIAL"); // unsigned databases: clamscan's naming
    }
}
