package dev.vigil.clamav.cvd;

import dev.vigil.clamav.DatabaseException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TarReaderTest {
    private static final CvdContainer.Limits LIMITS = new CvdContainer.Limits(1 << 20, 1 << 16, 1 << 20);

    @Test
    void readsMembersUpToTheEndBlock() throws Exception {
        byte[] tar = Containers.tar(List.of(Containers.member("a.ndb", "x"), Containers.member("b.hdb", "")));
        byte[] withTrailer = Arrays.copyOf(tar, tar.length + 700);
        Arrays.fill(withTrailer, tar.length, withTrailer.length, (byte) 'z');

        List<TarReader.Member> members = readAll(withTrailer);

        assertThat(members).extracting(TarReader.Member::name).containsExactly("a.ndb", "b.hdb");
        assertThat(members.get(0).content()).containsExactly('x');
        assertThat(members.get(1).content()).isEmpty();
    }

    @Test
    void endOfStreamWithoutEndBlockOrPaddingEndsTheArchive() throws Exception {
        byte[] header = Containers.tarHeader("a.ndb", 3, (byte) '0');
        byte[] tar = Arrays.copyOf(header, 515);
        tar[512] = 'a';

        assertThat(readAll(tar)).singleElement().extracting(TarReader.Member::name).isEqualTo("a.ndb");
    }

    @Test
    void typeFlagNulIsARegularFile() throws Exception {
        byte[] tar = Arrays.copyOf(Containers.tarHeader("a.ndb", 0, (byte) 0), 1024);

        assertThat(readAll(tar)).hasSize(1);
    }

    @Test
    void spacePaddedSizeIsRead() throws Exception {
        byte[] tar = Arrays.copyOf(Containers.tarHeader("a.ndb", 0, (byte) '0'), 1024);
        byte[] size = "     12 \0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(size, 0, tar, 124, 12);

        assertThat(readAll(tar)).singleElement().extracting(m -> m.content().length).isEqualTo(10);
    }

    @Test
    void slashInNameIsRefused() {
        byte[] tar = Arrays.copyOf(Containers.tarHeader("dir/a.ndb", 0, (byte) '0'), 1024);

        assertRefused(tar, "has a '/' in its name");
    }

    @Test
    void directoryIsRefused() {
        byte[] tar = Arrays.copyOf(Containers.tarHeader("dir", 0, (byte) '5'), 1024);

        assertRefused(tar, "is a directory");
    }

    @Test
    void linksAndExtensionHeadersAreRefused() {
        for (byte type : new byte[] {'1', '2', 'L', 'x', 'g'}) {
            byte[] tar = Arrays.copyOf(Containers.tarHeader("a", 0, type), 1024);
            assertRefused(tar, "only regular files are allowed");
        }
    }

    @Test
    void sizeWithoutOctalDigitsIsRefused() {
        byte[] tar = Arrays.copyOf(Containers.tarHeader("a.ndb", 0, (byte) '0'), 1024);
        Arrays.fill(tar, 124, 136, (byte) 0);
        tar[124] = '9';

        assertRefused(tar, "invalid size field");
    }

    @Test
    void partialHeaderBlockIsRefused() {
        byte[] tar = Arrays.copyOf(Containers.tarHeader("a.ndb", 0, (byte) '0'), 300);

        assertRefused(tar, "ends inside a tar header block (300 of 512 bytes)");
    }

    @Test
    void truncatedContentIsRefused() {
        byte[] tar = Arrays.copyOf(Containers.tarHeader("a.ndb", 100, (byte) '0'), 530);

        assertRefused(tar, "\"a.ndb\" is truncated: 100 bytes declared, 18 present");
    }

    @Test
    void entryAndTotalLimitsAreEnforcedBeforeReading() {
        byte[] big = Arrays.copyOf(Containers.tarHeader("a.ndb", (1 << 16) + 1, (byte) '0'), 1024);
        assertRefused(big, "declares 65537 bytes, over the limit of 65536 bytes per file");

        List<TarReader.Member> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(new TarReader.Member("f" + i + ".ndb", new byte[30_000]));
        }
        assertRefused(Containers.tar(many), "unpacked archive exceeds the limit of 1048576 bytes");
    }

    private static List<TarReader.Member> readAll(byte[] tar) throws DatabaseException {
        TarReader reader = new TarReader(new ByteArrayInputStream(tar), "t", LIMITS);
        List<TarReader.Member> members = new ArrayList<>();
        for (TarReader.Member m = reader.next(); m != null; m = reader.next()) {
            members.add(m);
        }
        return members;
    }

    private static void assertRefused(byte[] tar, String message) {
        assertThatThrownBy(() -> readAll(tar)).isInstanceOf(DatabaseException.class).hasMessageContaining(message);
    }
}
