package dev.vigil.unpack;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shared test inputs: ../shared, the xor key of ClamAV's test inputs, EICAR, engines from signature text. */
final class TestData {
    /** The key upstream's xor_testfile.py uses (see the README of clamav-unit-input). */
    private static final byte[] XOR_KEY = ("bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzuj"
            + "lbjlgrhtwxhzpjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr")
            .getBytes(StandardCharsets.US_ASCII);

    static final byte[] EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
            .getBytes(StandardCharsets.US_ASCII);

    private TestData() {
    }

    static Path shared() {
        return Path.of(System.getProperty("vigil.shared", "../../shared"));
    }

    static Path unitInput() {
        return shared().resolve("conformance/clamav-unit-input");
    }

    static byte[] unxor(byte[] data) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (byte) (data[i] ^ XOR_KEY[i % XOR_KEY.length]);
        }
        return out;
    }

    static Engine engine(Path database) throws Exception {
        EngineBuilder b = Engine.builder();
        new ClamAvLoader(LoadOptions.DEFAULT).load(database, b);
        return b.build();
    }

    /** Writes {@code text} as {@code dir/name} and loads it. */
    static Engine engine(Path dir, String name, String text) throws Exception {
        Path db = dir.resolve(name);
        Files.writeString(db, text);
        return engine(db);
    }

    static boolean isEmptyDir(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
