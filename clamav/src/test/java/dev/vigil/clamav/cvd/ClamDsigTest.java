package dev.vigil.clamav.cvd;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class ClamDsigTest {
    @Test
    void digitsAreLittleEndianInTheCustomAlphabet() {
        assertThat(ClamDsig.decode("b")).isEqualTo(BigInteger.ONE);
        assertThat(ClamDsig.decode("ab")).isEqualTo(BigInteger.valueOf(64));
        assertThat(ClamDsig.decode("/")).isEqualTo(BigInteger.valueOf(63));
        assertThat(ClamDsig.decode("//")).isEqualTo(BigInteger.valueOf(4095));
        assertThat(ClamDsig.decode("aaaab")).isEqualTo(BigInteger.ONE.shiftLeft(24));
    }

    @Test
    void decodingRefusesForeignCharactersAndExcessLength() {
        assertThat(ClamDsig.decode("ab=")).isNull();
        assertThat(ClamDsig.decode("a\u00e9")).isNull();
        assertThat(ClamDsig.decode("")).isNull();
        assertThat(ClamDsig.decode("a".repeat(ClamDsig.MAX_SIGNATURE_CHARS + 1))).isNull();
    }

    @Test
    void headerSignatureBindsTheMd5() throws Exception {
        CvdContainer.Header header = CvdContainer.readHeader(Containers.testCvd(2));
        byte[] md5 = HexFormat.of().parseHex(header.md5());

        assertThat(ClamDsig.verifyHeaderSignature(md5, header.signature())).isTrue();
        md5[15] ^= 1;
        assertThat(ClamDsig.verifyHeaderSignature(md5, header.signature())).isFalse();
    }

    @Test
    void infoSignatureBindsTheListing() throws Exception {
        byte[] info = Files.readAllBytes(Containers.shared().resolve("signatures/clamav/official-daily-main/main.info"));
        String text = new String(info, StandardCharsets.ISO_8859_1);
        int dsig = text.indexOf("DSIG:");
        String signature = text.substring(dsig + 5).strip();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] digest = sha.digest(text.substring(0, dsig).getBytes(StandardCharsets.ISO_8859_1));

        assertThat(ClamDsig.verifyInfoSignature(digest, signature)).isTrue();
        digest[0] ^= 1;
        assertThat(ClamDsig.verifyInfoSignature(digest, signature)).isFalse();
        assertThat(ClamDsig.verifyInfoSignature(sha.digest(new byte[1]), "abc")).isFalse();
    }
}
