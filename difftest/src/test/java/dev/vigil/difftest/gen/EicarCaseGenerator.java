package dev.vigil.difftest.gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * EICAR as a body signature, a wildcarded body signature and an MD5 hash signature, over inputs where it is whole,
 * embedded, followed by a line break (the hash no longer matches) or cut short (nothing matches).
 */
public final class EicarCaseGenerator implements CaseGenerator {
    /** The standard anti-malware test string (68 bytes). */
    public static final String EICAR =
            "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    @Override
    public String name() {
        return "gen-eicar";
    }

    @Override
    public void generate(Path caseDir) throws IOException {
        byte[] eicar = EICAR.getBytes(StandardCharsets.US_ASCII);
        HexFormat hex = HexFormat.of();
        String whole = hex.formatHex(eicar);
        String head = hex.formatHex(eicar, 0, 20);
        String tail = hex.formatHex(eicar, 40, eicar.length);
        Files.writeString(caseDir.resolve("eicar.ndb"),
                "Vigil.Test.Eicar-Body:0:*:" + whole + "\n"
                + "Vigil.Test.Eicar-Gap:0:*:" + head + "*" + tail + "\n");
        Files.writeString(caseDir.resolve("eicar.hdb"),
                md5(eicar) + ":" + eicar.length + ":Vigil.Test.Eicar-Hash\n");

        Path inputs = Files.createDirectories(caseDir.resolve("inputs"));
        Files.write(inputs.resolve("eicar.com"), eicar);
        Files.writeString(inputs.resolve("eicar-crlf.com"), EICAR + "\r\n", StandardCharsets.US_ASCII);
        Files.writeString(inputs.resolve("eicar-in-text.txt"),
                "Some text before the test string.\n" + EICAR + "\nand after it.\n", StandardCharsets.US_ASCII);
        Files.writeString(inputs.resolve("eicar-cut.txt"), EICAR.substring(0, 60), StandardCharsets.US_ASCII);
        Files.write(inputs.resolve("empty.bin"), new byte[0]);
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
