package dev.vigil.daemon;

import dev.vigil.engine.ScanResult;
import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Atomic reloads: new scans see the new database, scans holding the old one finish on it, a broken one is refused. */
class DatabaseHolderTest {
    private static final byte[] ALPHA = "alpha marker for the daemon reload test".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BETA = "beta marker for the daemon reload test".getBytes(StandardCharsets.US_ASCII);

    private static void signature(Path dir, String name, byte[] body) throws Exception {
        Files.writeString(dir.resolve("test.ndb"), name + ":0:*:" + HexFormat.of().formatHex(body) + "\n");
    }

    private static List<String> names(Scanner scanner, Database db, byte[] data) throws Exception {
        ScanResult r = scanner.scan(db, ScanInput.of(data), false);
        return r.detections().stream().map(d -> d.name()).toList();
    }

    @Test
    void reloadSwapsAndOldSnapshotsKeepWorking(@TempDir Path dir) throws Exception {
        signature(dir, "Alpha", ALPHA);
        DatabaseHolder holder = new DatabaseHolder(dir, new DatabaseLoader(false));
        assertThat(holder.current()).isNull();
        assertThat(holder.reload().loaded()).isTrue();
        Scanner scanner = new Scanner(dev.vigil.engine.ScanOptions.DEFAULT, 2);
        Database old = holder.current();
        assertThat(names(scanner, old, ALPHA)).containsExactly("Alpha.UNOFFICIAL");

        signature(dir, "Beta", BETA);
        DatabaseHolder.ReloadResult r = holder.reload();
        assertThat(r.loaded()).isTrue();
        assertThat(holder.current()).isSameAs(r.current()).isNotSameAs(old);
        assertThat(names(scanner, holder.current(), BETA)).containsExactly("Beta.UNOFFICIAL");
        assertThat(names(scanner, holder.current(), ALPHA)).isEmpty();
        // a scan that took the old snapshot before the reload still runs on it
        assertThat(names(scanner, old, ALPHA)).containsExactly("Alpha.UNOFFICIAL");
        assertThat(holder.reloadCount()).isEqualTo(2);
    }

    @Test
    void brokenDatabaseIsRefusedAndTheOldOneServes(@TempDir Path dir) throws Exception {
        signature(dir, "Alpha", ALPHA);
        DatabaseHolder holder = new DatabaseHolder(dir, new DatabaseLoader(false));
        holder.reload();
        Database good = holder.current();
        Files.writeString(dir.resolve("test.ndb"), "Broken:0:*:zz-not-hex\n");
        DatabaseHolder.ReloadResult r = holder.reload();
        assertThat(r.loaded()).isFalse();
        assertThat(r.error()).contains("test.ndb");
        assertThat(holder.current()).isSameAs(good);
        assertThat(holder.lastError()).isEqualTo(r.error());
        assertThat(holder.failedReloadCount()).isEqualTo(1);
    }

    @Test
    void scansDuringReloadsAlwaysSeeOneWholeDatabase(@TempDir Path dir) throws Exception {
        signature(dir, "Alpha", ALPHA);
        DatabaseHolder holder = new DatabaseHolder(dir, new DatabaseLoader(false));
        holder.reload();
        Scanner scanner = new Scanner(dev.vigil.engine.ScanOptions.DEFAULT, 4);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        List<Thread> scanners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            scanners.add(Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        Database db = holder.current();
                        List<String> a = names(scanner, db, ALPHA);
                        List<String> b = names(scanner, db, BETA);
                        seen.add(a + "|" + b);
                    }
                } catch (Exception e) {
                    seen.add("failure: " + e);
                }
            }));
        }
        for (int i = 0; i < 6; i++) {
            signature(dir, i % 2 == 0 ? "Beta" : "Alpha", i % 2 == 0 ? BETA : ALPHA);
            assertThat(holder.reload().loaded()).isTrue();
        }
        stop.set(true);
        for (Thread t : scanners) {
            t.join();
        }
        assertThat(seen).isNotEmpty().allMatch(s -> s.equals("[Alpha.UNOFFICIAL]|[]")
                || s.equals("[]|[Beta.UNOFFICIAL]"));
    }

    @Test
    void noDatabaseNoDaemon(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("db"));
        assertThatThrownBy(() -> Fixtures.vigild(dir.resolve("v"), dir.resolve("db"), ""))
                .isInstanceOf(DatabaseLoadException.class);
    }

    @Test
    void reloadCommandSwapsTheDatabaseOfARunningDaemon(@TempDir Path dir) throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        signature(db, "Alpha", ALPHA);
        Path beta = Files.write(dir.resolve("beta.bin"), BETA);
        try (Vigild d = Fixtures.vigild(dir.resolve("v"), db, "")) {
            byte[] scan = Fixtures.ascii("zSCAN " + beta + "\0");
            assertThat(Fixtures.show(Fixtures.exchange(Fixtures.tcp(d), scan, Duration.ofSeconds(10))))
                    .isEqualTo(beta + ": OK\\0");
            signature(db, "Beta", BETA);
            assertThat(Fixtures.show(Fixtures.exchange(Fixtures.unix(d), Fixtures.ascii("zRELOAD\0"),
                    Duration.ofSeconds(10)))).isEqualTo("RELOADING\\0");
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String reply;
            do {
                Thread.sleep(50);
                reply = Fixtures.show(Fixtures.exchange(Fixtures.tcp(d), scan, Duration.ofSeconds(10)));
            } while (!reply.contains("FOUND") && System.nanoTime() < end);
            assertThat(reply).isEqualTo(beta + ": Beta.UNOFFICIAL FOUND\\0");

            // a broken database sent by RELOAD: refused, the old one keeps answering
            Files.writeString(db.resolve("test.ndb"), "Broken:0:*:zz\n");
            Fixtures.exchange(Fixtures.tcp(d), Fixtures.ascii("zRELOAD\0"), Duration.ofSeconds(10));
            end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (d.holder().failedReloadCount() == 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(d.holder().failedReloadCount()).isEqualTo(1);
            assertThat(Fixtures.show(Fixtures.exchange(Fixtures.tcp(d), scan, Duration.ofSeconds(10))))
                    .isEqualTo(beta + ": Beta.UNOFFICIAL FOUND\\0");
        }
    }
}
