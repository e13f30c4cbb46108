package dev.vigil.updates.keys;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesPrivatelyReadsBackAndNeverOverwrites() throws Exception {
        SignerKey k = KeyFiles.generate("witness.vigil.test", KeyFiles.Role.WITNESS);
        assertThat(k.type()).isEqualTo(SignatureType.COSIGNATURE_V1);
        Path f = dir.resolve("w.key");
        KeyFiles.write(f, k);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(KeyFiles.read(f).verifier()).isEqualTo(k.verifier());
        try (var s = Files.list(dir)) {
            assertThat(s).containsExactly(f); // no temporary file left
        }
        String before = Files.readString(f);
        assertThatThrownBy(() -> KeyFiles.write(f, KeyFiles.generate("other", KeyFiles.Role.RELEASE)))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(f)).isEqualTo(before);
        assertThat(k.toString()).doesNotContain(before.strip().split("\\+", 5)[4]);
    }

    @Test
    void refusesReadableOrMalformedFilesWithoutQuotingThem() throws Exception {
        Path f = dir.resolve("k");
        KeyFiles.write(f, KeyFiles.generate("r.vigil.test", KeyFiles.Role.RELEASE));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> KeyFiles.read(f)).hasMessageContaining("readable by others");
        Path bad = dir.resolve("bad");
        Files.writeString(bad, "PRIVATE+KEY+name+00000000+c2VjcmV0LXRoYXQtbXVzdC1ub3QtbGVhaw==\n");
        Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> KeyFiles.read(bad)).isInstanceOf(FormatException.class)
                .message().doesNotContain("c2VjcmV0");
    }
}
