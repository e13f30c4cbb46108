package dev.vigil.daemon;

import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A reload takes over the hash signatures of unchanged files and still sees every change to the others. */
class HashReuseReloadTest {
    private static byte[] sample(String text) {
        return ("reload reuse " + text).getBytes(StandardCharsets.US_ASCII);
    }

    private static String hdbLine(String text, String name) throws Exception {
        byte[] data = sample(text);
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)) + ":" + data.length + ":"
                + name + "\n";
    }

    private static List<String> names(Database db, String text) throws Exception {
        ScanResult r = new Scanner(ScanOptions.DEFAULT.withAllMatch(true), 1).scan(db, ScanInput.of(sample(text)), true);
        return r.detections().stream().map(d -> d.name()).toList();
    }

    @Test
    void reloadSeesAChangedFileAndANewIgnoreEntry(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.hdb"), hdbLine("one", "Reuse.One") + hdbLine("two", "Reuse.Two"));
        Files.writeString(dir.resolve("b.hdb"), hdbLine("three", "Reuse.Three"));
        Files.writeString(dir.resolve("c.ndb"), "Reuse.Body:0:*:" + HexFormat.of().formatHex(sample("body")) + "\n");
        DatabaseHolder holder = new DatabaseHolder(dir, new DatabaseLoader(false));
        assertThat(holder.reload().loaded()).isTrue();
        Database first = holder.current();
        assertThat(first.hashSegments().parsedFiles()).isEqualTo(2);

        Files.writeString(dir.resolve("a.hdb"), hdbLine("four", "Reuse.Four"), StandardOpenOption.APPEND);
        assertThat(holder.reload().loaded()).isTrue();
        Database second = holder.current();
        assertThat(second.hashSegments().parsedFiles()).isEqualTo(1);
        assertThat(second.hashSegments().reusedFiles()).isEqualTo(1);
        assertThat(names(second, "four")).containsExactly("Reuse.Four.UNOFFICIAL");
        assertThat(names(second, "one")).containsExactly("Reuse.One.UNOFFICIAL");
        assertThat(names(second, "three")).containsExactly("Reuse.Three.UNOFFICIAL");
        assertThat(names(second, "body")).containsExactly("Reuse.Body.UNOFFICIAL");
        assertThat(second.signatureCount()).isEqualTo(first.signatureCount() + 1);

        Files.writeString(dir.resolve("local.ign2"), "Reuse.Three\n");
        assertThat(holder.reload().loaded()).isTrue();
        Database third = holder.current();
        assertThat(third.hashSegments().parsedFiles()).isEqualTo(1);
        assertThat(names(third, "three")).isEmpty();
        assertThat(names(third, "two")).containsExactly("Reuse.Two.UNOFFICIAL");
        assertThat(names(third, "four")).containsExactly("Reuse.Four.UNOFFICIAL");
        // the database in service before the reloads still answers as it did
        assertThat(names(first, "three")).containsExactly("Reuse.Three.UNOFFICIAL");
        assertThat(names(first, "four")).isEmpty();
    }

    @Test
    void brokenFileBesideUnchangedOnesIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.hdb"), hdbLine("one", "Reuse.One"));
        Files.writeString(dir.resolve("b.hdb"), hdbLine("two", "Reuse.Two"));
        DatabaseHolder holder = new DatabaseHolder(dir, new DatabaseLoader(false));
        holder.reload();
        Database good = holder.current();
        Files.writeString(dir.resolve("b.hdb"), "not-a-hash:12:Broken\n");
        DatabaseHolder.ReloadResult r = holder.reload();
        assertThat(r.loaded()).isFalse();
        assertThat(r.error()).contains("b.hdb");
        assertThat(holder.current()).isSameAs(good);
        // fixed again: the next reload builds on the database in service
        Files.writeString(dir.resolve("b.hdb"), hdbLine("two", "Reuse.Two"));
        assertThat(holder.reload().loaded()).isTrue();
        assertThat(holder.current().hashSegments().reusedFiles()).isEqualTo(2);
        assertThat(names(holder.current(), "two")).containsExactly("Reuse.Two.UNOFFICIAL");
    }
}
