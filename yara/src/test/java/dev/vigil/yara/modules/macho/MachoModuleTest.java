package dev.vigil.yara.modules.macho;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.dotnet.YaraDump;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The macho module against {@code yara -D} on sample, generated and corrupted Mach-O and fat files. */
class MachoModuleTest {
    private static final MachoModule MODULE = new MachoModule();
    private static final int[] CPU_TYPES = {0x6, 0xd, 0xe, 0x12, 0x7, 0xc, 0x01000007, 0x0100000c, 0x01000012, 0x42};

    @TempDir
    Path tmp;

    static Path data(String name) {
        return Path.of(System.getProperty("vigil.shared", "../../shared")).resolve("conformance/yara/data/" + name);
    }

    private void assertSame(byte[] bytes, String what) throws Exception {
        Path f = tmp.resolve("sample");
        Files.write(f, bytes);
        List<String> yara = YaraDump.yara("macho", f, tmp);
        assertThat(yara).isNotEmpty();
        assertThat(YaraDump.diff(yara, YaraDump.vigil(MODULE, bytes))).as(what).isEmpty();
    }

    @Test
    void samplesMatchYara() throws Exception {
        YaraDump.assumeYara();
        for (String name : List.of("tiny-macho", "tiny-universal", "tiny", "elf_with_imports")) {
            Path p = data(name);
            assumeTrue(Files.isRegularFile(p), "conformance data absent");
            assertSame(Files.readAllBytes(p), name);
        }
    }

    @Test
    void generatedFilesMatchYara() throws Exception {
        YaraDump.assumeYara();
        Random random = new Random(7);
        for (int i = 0; i < 60; i++) {
            byte[] file = random.nextInt(3) == 0 ? fat(random) : image(random);
            assertSame(file, "generated #" + i);
        }
    }

    @Test
    void corruptedFilesMatchYara() throws Exception {
        YaraDump.assumeYara();
        Random random = new Random(11);
        List<byte[]> originals = new ArrayList<>();
        for (String name : List.of("tiny-macho", "tiny-universal")) {
            Path p = data(name);
            assumeTrue(Files.isRegularFile(p), "conformance data absent");
            originals.add(Files.readAllBytes(p));
        }
        originals.add(fat(random));
        for (byte[] original : originals) {
            for (int round = 0; round < Integer.getInteger("vigil.mutationRounds", 40); round++) {
                byte[] bytes = original.clone();
                int flips = 1 + random.nextInt(6);
                for (int k = 0; k < flips; k++) {
                    // Mostly in the headers and load commands.
                    int at = random.nextBoolean() ? random.nextInt(Math.min(bytes.length, 2048))
                            : random.nextInt(bytes.length);
                    bytes[at] = (byte) random.nextInt(256);
                }
                assertSame(bytes, "mutant " + round);
            }
        }
    }

    /** Thousands of architectures sharing one image of thousands of segments: YARA's work is quadratic here. */
    @Test
    void sharedImagesInFatFileStayBounded() {
        int segments = 20_000;
        int archs = 20_000;
        ByteBuffer image = ByteBuffer.allocate(28 + segments * 56).order(ByteOrder.LITTLE_ENDIAN);
        image.putInt(0xfeedface).putInt(7).putInt(3).putInt(2).putInt(segments).putInt(segments * 56).putInt(0);
        for (int i = 0; i < segments; i++) {
            image.putInt(1).putInt(56).put(name16("__S")).putInt(i * 0x1000).putInt(0x1000).putInt(0).putInt(0)
                    .putInt(7).putInt(5).putInt(0).putInt(0);
        }
        int imageOffset = 8 + archs * 20;
        ByteBuffer fat = ByteBuffer.allocate(imageOffset + image.capacity()).order(ByteOrder.BIG_ENDIAN);
        fat.putInt(0xcafebabe).putInt(archs);
        for (int i = 0; i < archs; i++) {
            fat.putInt(7).putInt(3).putInt(imageOffset).putInt(image.capacity()).putInt(12);
        }
        fat.put(image.array());
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(30),
                () -> MachoModule.parse(fat.array(), new StructValue()));
    }

    /** The four fat-file functions give what yara evaluates for the same calls. */
    @Test
    void functionsMatchYara() throws Exception {
        YaraDump.assumeYara();
        Random random = new Random(3);
        List<byte[]> files = new ArrayList<>();
        Path universal = data("tiny-universal");
        if (Files.isRegularFile(universal)) {
            files.add(Files.readAllBytes(universal));
        }
        for (int i = 0; i < 6; i++) {
            files.add(fat(random));
        }
        files.add(image(random));
        for (byte[] bytes : files) {
            StructValue v = load(bytes);
            StringBuilder rules = new StringBuilder("import \"macho\"\n");
            int n = 0;
            for (long type : new long[] {7, 0x01000007, 0xc, 0x0100000c, 0x12, 0x42, 99}) {
                for (long sub : new long[] {0, 3, 0x80000003L, 9}) {
                    n = rule(rules, n, "macho.file_index_for_arch(" + type + ")",
                            call(v, "file_index_for_arch", 0, type));
                    n = rule(rules, n, "macho.file_index_for_arch(" + type + ", " + sub + ")",
                            call(v, "file_index_for_arch", 1, type, sub));
                    n = rule(rules, n, "macho.entry_point_for_arch(" + type + ")",
                            call(v, "entry_point_for_arch", 0, type));
                    n = rule(rules, n, "macho.entry_point_for_arch(" + type + ", " + sub + ")",
                            call(v, "entry_point_for_arch", 1, type, sub));
                }
            }
            Path rule = tmp.resolve("functions.yar");
            Path sample = tmp.resolve("sample");
            Files.writeString(rule, rules);
            Files.write(sample, bytes);
            Process p = new ProcessBuilder("/usr/bin/yara", "-c", rule.toString(), sample.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(60, TimeUnit.SECONDS);
            assertThat(output).as(rules.toString()).isEqualTo(Integer.toString(n));
        }
    }

    private static int rule(StringBuilder rules, int n, String call, Object expected) {
        String condition = expected == null ? "not defined " + call : call + " == " + expected;
        rules.append("rule r").append(n).append(" { condition: ").append(condition).append(" }\n");
        return n + 1;
    }

    private static Object call(StructValue v, String function, int overload, Object... args) {
        return ((ModuleFunction) v.get(function)).call(overload, args);
    }

    private static StructValue load(byte[] bytes) throws Exception {
        ScanInput in = ScanInput.of(bytes);
        return MODULE.load(new ModuleContext() {
            @Override
            public ScanInput input() {
                return in;
            }

            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void log(String line) {
            }
        });
    }

    // ---- generated Mach-O files

    static byte[] image(Random r) {
        boolean is64 = r.nextBoolean();
        ByteOrder order = r.nextInt(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int cputype = CPU_TYPES[r.nextInt(CPU_TYPES.length)];
        ByteArrayOutputStream commands = new ByteArrayOutputStream();
        int ncmds = 0;
        int segments = r.nextInt(4);
        long vmbase = is64 ? 0x100000000L : 0x1000;
        for (int s = 0; s < segments; s++) {
            int nsects = r.nextInt(4);
            int size = (is64 ? 72 : 56) + nsects * (is64 ? 80 : 68);
            ByteBuffer b = ByteBuffer.allocate(size).order(order);
            b.putInt(is64 ? 0x19 : 1).putInt(size);
            b.put(name16("__SEG" + s));
            long vmaddr = vmbase + s * 0x1000L;
            if (is64) {
                b.putLong(vmaddr).putLong(0x1000).putLong(s * 0x100L).putLong(0x100);
            } else {
                b.putInt((int) vmaddr).putInt(0x1000).putInt(s * 0x100).putInt(0x100);
            }
            b.putInt(7).putInt(5).putInt(r.nextInt(8) == 0 ? nsects + 2 : nsects).putInt(r.nextInt(16));
            for (int j = 0; j < nsects; j++) {
                b.put(name16("__sect" + j + "_long_name_cut")).put(name16("__SEG" + s));
                if (is64) {
                    b.putLong(vmaddr + j * 16L).putLong(16);
                } else {
                    b.putInt((int) vmaddr + j * 16).putInt(16);
                }
                b.putInt(j * 16).putInt(4).putInt(0).putInt(0).putInt(0x80000400).putInt(j).putInt(2 * j);
                if (is64) {
                    b.putInt(3 * j);
                }
            }
            commands.writeBytes(b.array());
            ncmds++;
        }
        if (r.nextBoolean()) {
            ByteBuffer b = ByteBuffer.allocate(24).order(order);
            b.putInt(0x80000028).putInt(24).putLong(r.nextInt(0x4000)).putLong(r.nextInt(0x10000));
            commands.writeBytes(b.array());
            ncmds++;
        } else {
            int stateSize = 8 + r.nextInt(320);
            ByteBuffer b = ByteBuffer.allocate(16 + stateSize).order(order);
            b.putInt(5).putInt(16 + stateSize).putInt(1).putInt(stateSize / 4);
            while (b.hasRemaining()) {
                b.put((byte) 0);
            }
            long pc = vmbase + r.nextInt(segments * 0x1000 + 0x100);
            for (int off : new int[] {4, 40, 60, 68, 124}) {
                if (16 + off + 4 <= b.capacity()) {
                    b.putInt(16 + off, (int) pc);
                }
            }
            for (int off : new int[] {0, 128, 256}) {
                if (16 + off + 8 <= b.capacity()) {
                    b.putLong(16 + off, pc);
                }
            }
            commands.writeBytes(b.array());
            ncmds++;
        }
        byte[] cmds = commands.toByteArray();
        int headerSize = is64 ? 32 : 28;
        ByteBuffer h = ByteBuffer.allocate(headerSize + cmds.length + r.nextInt(0x400)).order(order);
        h.putInt(is64 ? 0xfeedfacf : 0xfeedface).putInt(cputype).putInt(3).putInt(2)
                .putInt(r.nextInt(10) == 0 ? ncmds + 3 : ncmds).putInt(cmds.length).putInt(0x200085);
        if (is64) {
            h.putInt(0);
        }
        h.put(cmds);
        return h.array();
    }

    static byte[] fat(Random r) {
        boolean fat64 = r.nextInt(3) == 0;
        int count = 1 + r.nextInt(3);
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(image(r));
        }
        int headerSize = 8 + count * (fat64 ? 32 : 20);
        int offset = (headerSize + 0xff) & ~0xff;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(offset).order(ByteOrder.BIG_ENDIAN);
        h.putInt(fat64 ? 0xcafebabf : 0xcafebabe).putInt(count);
        int at = offset;
        for (byte[] image : images) {
            int cputype = ByteBuffer.wrap(image, 4, 4).order(
                    (image[0] & 0xff) == 0xfe ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).getInt();
            int size = r.nextInt(12) == 0 ? image.length * 4 : image.length;
            h.putInt(cputype).putInt(3);
            if (fat64) {
                h.putLong(at).putLong(size).putInt(8).putInt(0);
            } else {
                h.putInt(at).putInt(size).putInt(8);
            }
            body.writeBytes(image);
            at += image.length;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] name16(String s) {
        byte[] b = new byte[16];
        byte[] src = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(src, 0, b, 0, Math.min(16, src.length));
        return b;
    }
}
