package dev.vigil.yara.modules.pe;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.modules.ModuleDump;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Hostile bytes never make the pe module throw or hang, whether raw or spliced into a real PE's headers and tables.
 * Normal runs replay the seeds in src/test/resources/.../PeModuleFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes.
 */
class PeModuleFuzzTest {
    private static final byte[] BASE = base();

    private static byte[] base() {
        Path tiny = Path.of(System.getProperty("vigil.shared", "../shared"), "conformance/yara/data/pe_imports");
        try {
            return Files.readAllBytes(tiny);
        } catch (Exception e) {
            return new byte[0];
        }
    }

    @FuzzTest(maxDuration = "60s")
    void rawBytes(byte[] data) {
        exercise(data);
    }

    @FuzzTest(maxDuration = "60s")
    void patchedPe(FuzzedDataProvider in) {
        byte[] d = BASE.clone();
        int patches = in.consumeInt(0, 16);
        for (int i = 0; i < patches && d.length > 0; i++) {
            int at = in.consumeInt(0, Math.min(d.length, 2048) - 1);
            byte[] bytes = in.consumeBytes(8);
            System.arraycopy(bytes, 0, d, at, Math.min(bytes.length, d.length - at));
        }
        if (in.consumeBoolean()) {
            d = java.util.Arrays.copyOf(d, in.consumeInt(0, d.length));
        }
        exercise(d);
    }

    /** The input becomes the WIN_CERTIFICATE of a PE, so the DER and PKCS#7 readers see it directly. */
    @FuzzTest(maxDuration = "60s")
    void signatureBlob(byte[] blob) {
        PeImage image = PeImage.parse(BASE);
        if (image == null) {
            return;
        }
        byte[] d = java.util.Arrays.copyOf(BASE, BASE.length + 8 + blob.length);
        int at = BASE.length;
        int length = 8 + blob.length;
        d[at] = (byte) length;
        d[at + 1] = (byte) (length >> 8);
        d[at + 2] = (byte) (length >> 16);
        d[at + 3] = (byte) (length >> 24);
        d[at + 5] = 2;
        d[at + 6] = 2;
        System.arraycopy(blob, 0, d, at + 8, blob.length);
        int dir = (int) image.directoryOffset(4);
        for (int i = 0; i < 4; i++) {
            d[dir + i] = (byte) (at >> (8 * i));
            d[dir + 4 + i] = (byte) (length >> (8 * i));
        }
        exercise(d);
    }

    private static void exercise(byte[] data) {
        StructValue pe = PeModule.load(data);
        ModuleDump.flatten("pe", PeSchema.SCHEMA, pe);
        call(pe, "imphash", 0);
        call(pe, "calculate_checksum", 0);
        call(pe, "is_dll", 0);
        call(pe, "rva_to_offset", 0, 0x1000L);
        call(pe, "section_index", 0, new byte[] {'.', 't'});
        call(pe, "section_index", 1, 0x400L);
        call(pe, "exports", 0, new byte[] {'a'});
        call(pe, "exports", 2, 1L);
        call(pe, "exports_index", 1, 1L);
        call(pe, "imports", 2, "kernel32.dll".getBytes());
        call(pe, "imports", 5, 3L, "ws2_32.dll".getBytes(), 1L);
        call(pe, "import_rva", 0, "a".getBytes(), "b".getBytes());
        call(pe, "delayed_import_rva", 1, "a".getBytes(), 1L);
        call(pe, "locale", 0, 1033L);
        call(pe, "language", 0, 9L);
        StructValue rich = (StructValue) pe.get("rich_signature");
        call(rich, "version", 1, 1L, 2L);
        call(rich, "toolid", 0, 1L);
        if (pe.get("signatures") instanceof List<?> sigs) {
            for (Object s : sigs) {
                call((StructValue) s, "valid_on", 0, 0L);
            }
        }
    }

    private static void call(StructValue owner, String name, int overload, Object... args) {
        ((ModuleFunction) owner.get(name)).call(overload, args);
    }
}
