package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Import-table text: structure on real and synthetic PEs, and robustness on hostile ones. */
class PeImportsTest {

    static byte[] text(byte[] file) throws IOException {
        return Executables.importTableDigestInput(ScanInput.of(file));
    }

    private static String str(byte[] text) {
        return text == null ? null : new String(text, StandardCharsets.ISO_8859_1);
    }

    /** The synthetic files the clamscan comparison runs over; each exercises one rule of ClamAV's hashing. */
    static Map<String, byte[]> cases() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("plain", new SmallPeBuilder(false)
                .dll("KERNEL32.dll", "CreateFileA", "ExitProcess")
                .dll("msvcrt.DLL", "printf")
                .bytes());
        out.put("ordinals", new SmallPeBuilder(false)
                .dll("WS2_32.dll", 1, 23, 999)
                .dll("wsock32.dll", 3)
                .dll("OleAut32.dll", 2, 500)
                .dll("user32.dll", 12)
                .bytes());
        out.put("extensions", new SmallPeBuilder(false)
                .dll("driver.SYS", "Foo")
                .dll("ctl.ocx", "Bar")
                .dll("noext", "Baz")
                .dll("a.b.dll", "Qux")
                .dll("lib.dllx", "Quux")
                .bytes());
        out.put("oddDllNameIsNotChecked", new SmallPeBuilder(false)
                .dll("we!rd name.dll", "Func")
                .bytes());
        out.put("invalidFunctionName", new SmallPeBuilder(false)
                .dll("kernel32.dll", "Good", "Bad-Name")
                .bytes());
        out.put("dottedFunctionName", new SmallPeBuilder(false)
                .dll("kernel32.dll", "a.b", "")
                .bytes());
        SmallPeBuilder noLookup = new SmallPeBuilder(false);
        int name = noLookup.string("kernel32.dll");
        int addresses = noLookup.thunks(noLookup.hintName("FromFirstThunk"));
        out.put("firstThunkWhenNoLookupTable", noLookup.descriptor(0, name, addresses).bytes());
        SmallPeBuilder badLookup = new SmallPeBuilder(false);
        name = badLookup.string("kernel32.dll");
        addresses = badLookup.thunks(badLookup.hintName("Fallback"));
        out.put("firstThunkWhenLookupUnmapped", badLookup.descriptor(0x7fff0000, name, addresses).bytes());
        SmallPeBuilder unmappedName = new SmallPeBuilder(false);
        name = unmappedName.string("kernel32.dll");
        int thunks = unmappedName.thunks(0x7fff0000L, unmappedName.hintName("After"));
        out.put("unmappedFunctionReadsOffsetTwo", unmappedName.descriptor(thunks, name, thunks).bytes());
        SmallPeBuilder junk = new SmallPeBuilder(false).poke(2, (byte) 0x90, (byte) 0);
        name = junk.string("kernel32.dll");
        thunks = junk.thunks(0x7fff0000L);
        out.put("unmappedFunctionWithJunkAtOffsetTwo", junk.descriptor(thunks, name, thunks).bytes());
        SmallPeBuilder nearEnd = new SmallPeBuilder(false);
        name = nearEnd.string("kernel32.dll");
        int lastName = SmallPeBuilder.IDATA_RVA + SmallPeBuilder.IDATA_SIZE - 40;
        nearEnd.poke(SmallPeBuilder.IDATA_RAW + SmallPeBuilder.IDATA_SIZE - 38,
                "NearTheEnd".getBytes(StandardCharsets.US_ASCII));
        thunks = nearEnd.thunks(nearEnd.hintName("Early"), lastName);
        out.put("nameNearEndOfFileSkipped", nearEnd.descriptor(thunks, name, thunks).bytes());
        out.put("directoryWithoutSlackDropsLastDescriptor", new SmallPeBuilder(false)
                .dll("first.dll", "One")
                .dll("second.dll", "Two")
                .importDirectory(SmallPeBuilder.IDATA_RVA, 40)
                .bytes());
        out.put("emptyTable", new SmallPeBuilder(false).descriptor(0, 0, 0).bytes());
        out.put("directoryPastEnd", new SmallPeBuilder(false)
                .dll("kernel32.dll", "A")
                .importDirectory(SmallPeBuilder.IDATA_RVA, SmallPeBuilder.IDATA_SIZE + 1)
                .bytes());
        out.put("noImportDirectory", new SmallPeBuilder(false)
                .dll("kernel32.dll", "A")
                .importDirectory(0, 0)
                .bytes());
        out.put("unmappedDllName", new SmallPeBuilder(false)
                .descriptor(0, 0x7fff0000, 0)
                .bytes());
        out.put("pe32plus", new SmallPeBuilder(true)
                .dll("kernel32.dll", "CreateFileA")
                .bytes());
        return out;
    }

    @Test
    void realExecutableListsItsImportsInTableOrder() throws IOException {
        Path exe = Path.of(System.getProperty("vigil.shared", "../shared"),
                "conformance/clamav-unit-input/pe_allmatch/test.exe");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(exe), "shared test.exe absent");
        String text = str(text(Files.readAllBytes(exe)));
        assertThat(text).startsWith("kernel32.closehandle,kernel32.createprocessa,").contains(",msvcrt.");
        assertThat(text).matches("[a-z0-9_.,]+");
    }

    @Test
    void synthetic() throws IOException {
        Map<String, byte[]> c = cases();
        assertThat(str(text(c.get("plain")))).isEqualTo("kernel32.createfilea,kernel32.exitprocess,msvcrt.printf");
        assertThat(str(text(c.get("extensions"))))
                .isEqualTo("driver.foo,ctl.bar,noext.baz,a.b.dll.qux,lib.quux");
        assertThat(str(text(c.get("ordinals")))).startsWith("ws2_32.accept,").contains(",ws2_32.ord999,")
                .endsWith(",user32.ord12");
        assertThat(text(c.get("invalidFunctionName"))).isNull();
        assertThat(str(text(c.get("dottedFunctionName")))).isEqualTo("kernel32.a.b,kernel32.");
        assertThat(str(text(c.get("firstThunkWhenNoLookupTable")))).isEqualTo("kernel32.fromfirstthunk");
        assertThat(str(text(c.get("nameNearEndOfFileSkipped")))).isEqualTo("kernel32.early");
        assertThat(str(text(c.get("directoryWithoutSlackDropsLastDescriptor")))).isEqualTo("first.one");
        assertThat(text(c.get("emptyTable"))).isEmpty();
        assertThat(text(c.get("directoryPastEnd"))).isNull();
        assertThat(text(c.get("pe32plus"))).isNull();
    }

    @Test
    void versionInfoKeysWithValuesAreRecorded() throws IOException {
        SmallPeBuilder b = new SmallPeBuilder(false);
        long[] keys = b.versionInfo("CompanyName", "Acme", "Comments", "", "ProductName", "Thing");
        byte[] file = b.bytes();
        // The empty value's padding counts as a value (ExecutableOffsetsClamscanTest checks that against clamscan).
        assertThat(Executables.parse(ScanInput.of(file)).versionInfoOffsets()).containsExactly(keys);
        for (int len = 0; len <= file.length; len += 3) {
            ExecutableInfo info = Executables.parse(ScanInput.of(java.util.Arrays.copyOf(file, len)));
            if (info != null) {
                assertThat(java.util.Arrays.stream(info.versionInfoOffsets()).boxed().toList()).isSubsetOf(java.util.Arrays.stream(keys).boxed().toList());
            }
        }
    }

    @Test
    void nonPeGivesNothing() throws IOException {
        assertThat(text(new byte[0])).isNull();
        assertThat(text("MZ".getBytes(StandardCharsets.US_ASCII))).isNull();
        assertThat(text(new byte[4096])).isNull();
    }

    @Test
    void everyTruncationIsHandled() throws IOException {
        for (byte[] full : cases().values()) {
            for (int len = 0; len <= full.length; len += 7) {
                byte[] t = text(java.util.Arrays.copyOf(full, len));
                if (t != null) {
                    assertThat(str(t)).doesNotContain(",,");
                }
            }
        }
    }

    @Test
    void endlessThunkArraysAreCut() throws IOException {
        String text = str(endlessThunks(1 << 20));
        assertThat(text.replace("k.f,", "")).isEqualTo("k.f");
        assertThat(text.split(",").length).isGreaterThan((1 << 20) / 4);
        // Past a million thunks the file gets no import hash (ClamAV would hash on through the whole file).
        assertThat(endlessThunks(5 << 20)).isNull();
    }

    /** A PE whose .idata grows by {@code extra} bytes of thunks all naming the same function, with no terminator. */
    private static byte[] endlessThunks(int extra) throws IOException {
        SmallPeBuilder b = new SmallPeBuilder(false);
        int name = b.string("k.dll");
        int fn = b.hintName("F");
        int thunks = b.thunks(fn);
        byte[] small = b.descriptor(thunks, name, thunks).bytes();
        byte[] big = java.util.Arrays.copyOf(small, small.length + extra);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(big).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int thunkAt = SmallPeBuilder.IDATA_RAW + (thunks - SmallPeBuilder.IDATA_RVA);
        for (int p = thunkAt; p + 4 <= big.length; p += 4) {
            bb.putInt(p, fn);
        }
        int idataHeader = 0x80 + 24 + 224 + 40;
        bb.putInt(idataHeader + 8, SmallPeBuilder.IDATA_SIZE + extra);
        bb.putInt(idataHeader + 16, SmallPeBuilder.IDATA_SIZE + extra);
        return text(big);
    }
}
