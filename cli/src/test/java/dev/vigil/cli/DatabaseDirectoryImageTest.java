package dev.vigil.cli;

import dev.vigil.clamav.DatabaseImageCache;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code vigil compile -d DIR} stores an image in DIR; {@code vigil scan -d DIR} uses it only while it is current. */
class DatabaseDirectoryImageTest {
    @TempDir
    Path tmp;
    private Path db;
    private Path fileX;
    private Path fileY;

    @BeforeEach
    void setUp() throws Exception {
        db = Files.createDirectory(tmp.resolve("db"));
        fileX = Files.writeString(tmp.resolve("x.bin"), "the first sample, detected by its MD5\n");
        fileY = Files.writeString(tmp.resolve("y.bin"), "the second sample, detected by another database\n");
        Files.writeString(db.resolve("a.hdb"), hdbLine(fileX, "Test.X"));
    }

    @Test
    void scanOfTheDirectoryUsesTheStoredImage() throws Exception {
        Path image = compileInPlace();
        // Put an image of other databases under the stored name: a scan that finds Y (which only that image knows)
        // and not X (which only the text databases know) read the image, not the databases.
        Path other = Files.createDirectory(tmp.resolve("other"));
        Files.writeString(other.resolve("b.hdb"), hdbLine(fileY, "Test.Y"));
        Path otherImage = tmp.resolve("other.vimg");
        assertThat(CliRun.run(tmp, "compile", "-d", other.toString(), "-o", otherImage.toString()).status()).isZero();
        Files.copy(otherImage, image, StandardCopyOption.REPLACE_EXISTING);

        CliRun y = scan(fileY);
        assertThat(y.status()).as(y.toString()).isEqualTo(1);
        assertThat(y.out()).contains(fileY + ": Test.Y.UNOFFICIAL FOUND");
        CliRun x = scan(fileX);
        assertThat(x.status()).as(x.toString()).isZero();
    }

    @Test
    void imageGivesTheSameReportAsTheDatabases() throws Exception {
        Files.writeString(db.resolve("b.ndb"), "Test.Body:0:*:7365636f6e642073616d706c65\n");
        CliRun fromText = CliRun.run(tmp, "scan", "--no-summary", "-d", db.toString(), fileX.toString(),
                fileY.toString());
        compileInPlace();
        CliRun fromImage = CliRun.run(tmp, "scan", "--no-summary", "-d", db.toString(), fileX.toString(),
                fileY.toString());
        assertThat(fromImage.status()).isEqualTo(1);
        assertThat(fromImage.out()).isEqualTo(fromText.out()).contains("Test.Body.UNOFFICIAL FOUND");
        assertThat(fromImage.err()).isEqualTo(fromText.err());
    }

    @Test
    void changedDatabaseFileMakesTheImageStale() throws Exception {
        compileInPlace();
        Files.writeString(db.resolve("a.hdb"), hdbLine(fileY, "Test.Y"), StandardOpenOption.APPEND);
        assertThat(DatabaseImageCache.find(db, LoadOptions.DEFAULT)).isEmpty();
        CliRun y = scan(fileY);
        assertThat(y.out()).as(y.toString()).contains("Test.Y.UNOFFICIAL FOUND");
        assertThat(y.err()).isEmpty();
    }

    @Test
    void addedRemovedOrTouchedFilesMakeTheImageStale() throws Exception {
        compileInPlace();
        Files.writeString(db.resolve("b.hdb"), hdbLine(fileY, "Test.Y"));
        assertThat(DatabaseImageCache.find(db, LoadOptions.DEFAULT)).isEmpty();
        Files.delete(db.resolve("b.hdb"));
        assertThat(DatabaseImageCache.find(db, LoadOptions.DEFAULT)).isPresent();

        Files.setLastModifiedTime(db.resolve("a.hdb"), FileTime.fromMillis(1_000_000L));
        assertThat(DatabaseImageCache.find(db, LoadOptions.DEFAULT)).isEmpty();
        // files the loader does not read do not matter
        compileInPlace();
        Files.writeString(db.resolve("README.txt"), "notes\n");
        assertThat(DatabaseImageCache.find(db, LoadOptions.DEFAULT)).isPresent();
    }

    @Test
    void otherLoadOptionsDoNotUseTheImage() throws Exception {
        compileInPlace();
        assertThat(DatabaseImageCache.find(db, LoadOptions.DEFAULT)).isPresent();
        assertThat(DatabaseImageCache.find(db, LoadOptions.DEFAULT.withDetectPua(true))).isEmpty();
        assertThat(DatabaseImageCache.key(db, LoadOptions.DEFAULT))
                .isNotEqualTo(DatabaseImageCache.key(db, LoadOptions.DEFAULT.withDetectPua(true)));
    }

    @Test
    void damagedImageIsReportedAndTheDatabasesAreLoaded() throws Exception {
        Path image = compileInPlace();
        byte[] bytes = Files.readAllBytes(image);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(image, bytes);
        CliRun x = scan(fileX);
        assertThat(x.status()).as(x.toString()).isEqualTo(1);
        assertThat(x.out()).contains("Test.X.UNOFFICIAL FOUND");
        assertThat(x.err()).startsWith("WARNING: ignoring the engine image " + image + ": ")
                .contains("loading the databases instead");
    }

    @Test
    void imageIsReadableByWhoeverReadsTheDatabases() throws Exception {
        Files.setPosixFilePermissions(db.resolve("a.hdb"), PosixFilePermissions.fromString("rw-r-----"));
        Path image = compileInPlace();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(image)))
                .isEqualTo("rw-r-----");
    }

    @Test
    void recompilingReplacesTheEarlierImage() throws Exception {
        Path first = compileInPlace();
        Files.writeString(db.resolve("a.hdb"), hdbLine(fileY, "Test.Y"), StandardOpenOption.APPEND);
        Path second = compileInPlace();
        assertThat(second).isNotEqualTo(first);
        assertThat(images()).containsExactly(second);
    }

    @Test
    void changeDuringTheCompileIsRefused() throws Exception {
        String before = DatabaseImageCache.key(db, LoadOptions.DEFAULT);
        Files.writeString(db.resolve("a.hdb"), hdbLine(fileY, "Test.Y"), StandardOpenOption.APPEND);
        var engine = Engine.builder().build();
        assertThatThrownBy(() -> DatabaseImageCache.write(db, LoadOptions.DEFAULT, before, engine, 0))
                .isInstanceOf(DatabaseImageCache.NotCacheable.class).hasMessageContaining("changed");
        assertThat(images()).isEmpty();
    }

    @Test
    void yaraRulesCannotGoIntoAnImage() throws Exception {
        Files.writeString(db.resolve("r.yar"), "rule never { condition: false }\n");
        CliRun c = CliRun.run(tmp, "compile", "-d", db.toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("YARA rules");
        CliRun o = CliRun.run(tmp, "compile", "-d", db.toString(), "-o", tmp.resolve("x.vimg").toString());
        assertThat(o.status()).isEqualTo(2);
        assertThat(o.err()).contains("YARA rules");
        assertThat(images()).isEmpty();
    }

    @Test
    void withoutOutputOneDirectoryIsRequired() {
        CliRun c = CliRun.run(tmp, "compile", "-d", db.resolve("a.hdb").toString());
        assertThat(c.status()).isEqualTo(2);
        assertThat(c.err()).contains("exactly one database directory");
    }

    private Path compileInPlace() throws IOException {
        CliRun c = CliRun.run(tmp, "compile", "-d", db.toString());
        assertThat(c.status()).as(c.toString()).isZero();
        Path image = DatabaseImageCache.find(db, LoadOptions.DEFAULT).orElseThrow();
        assertThat(c.out()).contains(image.toString());
        return image;
    }

    private CliRun scan(Path file) {
        return CliRun.run(tmp, "scan", "--no-summary", "-d", db.toString(), file.toString());
    }

    private List<Path> images() throws IOException {
        try (Stream<Path> s = Files.list(db)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".vimg")).toList();
        }
    }

    private static String hdbLine(Path file, String name) throws Exception {
        byte[] md5 = MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file));
        return HexFormat.of().formatHex(md5) + ":" + Files.size(file) + ":" + name + "\n";
    }
}
