package dev.vigil.yara.modules.macho;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;
import java.io.IOException;
import java.util.List;

/** YARA's {@code macho} module: Mach-O headers, segments, sections and entry points, and fat (universal) files. */
public final class MachoModule implements YaraModule {

    private static final Type.Struct SECTION = Type.struct()
            .string("sectname").string("segname").integer("addr").integer("size").integer("offset")
            .integer("align").integer("reloff").integer("nreloc").integer("flags")
            .integer("reserved1").integer("reserved2").integer("reserved3").build();

    private static final Type.Struct SEGMENT = Type.struct()
            .string("segname").integer("vmaddr").integer("vmsize").integer("fileoff").integer("fsize")
            .integer("maxprot").integer("initprot").integer("nsects").integer("flags")
            .field("sections", new Type.Array(SECTION)).build();

    private static final Type.Struct SCHEMA = schema0();

    private static Type.Struct schema0() {
        Type.StructBuilder s = Type.struct();
        for (Object[] c : MachoConstants.ALL) {
            s.integer((String) c[0]);
        }
        fileFields(s);
        s.integer("fat_magic").integer("nfat_arch")
                .field("fat_arch", new Type.Array(Type.struct().integer("cputype").integer("cpusubtype")
                        .integer("offset").integer("size").integer("align").build()));
        Type.StructBuilder file = Type.struct();
        fileFields(file);
        s.field("file", new Type.Array(file.build()));
        s.function("file_index_for_arch", "i", Type.INTEGER)
                .function("file_index_for_arch", "ii", Type.INTEGER)
                .function("entry_point_for_arch", "i", Type.INTEGER)
                .function("entry_point_for_arch", "ii", Type.INTEGER);
        return s.build();
    }

    private static void fileFields(Type.StructBuilder s) {
        s.integer("magic").integer("cputype").integer("cpusubtype").integer("filetype").integer("ncmds")
                .integer("sizeofcmds").integer("flags").integer("reserved")
                .integer("number_of_segments")
                .field("segments", new Type.Array(SEGMENT))
                .integer("entry_point").integer("stack_size");
    }

    @Override
    public String name() {
        return "macho";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) throws IOException {
        StructValue out = new StructValue();
        long size = context.size();
        // Only Mach-O and fat files are read whole.
        if (size >= 4 && size <= Integer.MAX_VALUE - 16 && hasMagic(context.input().readFully(0, 4))) {
            parse(context.input().readFully(0, (int) size), out);
        }
        for (Object[] c : MachoConstants.ALL) {
            out.set((String) c[0], (long) (Long) c[1]);
        }
        bindFunctions(out);
        return out;
    }

    private static boolean hasMagic(byte[] head) {
        if (head.length < 4) {
            return false;
        }
        long magic = (head[0] & 0xffL) << 24 | (head[1] & 0xff) << 16 | (head[2] & 0xff) << 8 | (head[3] & 0xff);
        return magic == MachoParser.MH_MAGIC || magic == MachoParser.MH_CIGAM || magic == MachoParser.MH_MAGIC_64
                || magic == MachoParser.MH_CIGAM_64 || magic == MachoParser.FAT_MAGIC
                || magic == MachoParser.FAT_CIGAM || magic == MachoParser.FAT_MAGIC_64
                || magic == MachoParser.FAT_CIGAM_64;
    }

    /** Fills {@code out} with the values of a whole file; never throws. */
    static void parse(byte[] data, StructValue out) {
        if (data.length < 4) {
            return;
        }
        new MachoParser(data).parse(out);
    }

    /** YARA's undefined integer; its functions do arithmetic on it unchecked in one place. */
    private static final long UNDEFINED = 0xFFFABADAFABADAFFL;

    private static long integer(StructValue s, String field) {
        Object v = s == null ? null : s.get(field);
        return v == null ? UNDEFINED : (Long) v;
    }

    @SuppressWarnings("unchecked")
    private static StructValue item(StructValue s, String array, int i) {
        List<Object> l = (List<Object>) s.get(array);
        return l == null || i >= l.size() ? null : (StructValue) l.get(i);
    }

    private static void bindFunctions(StructValue out) {
        out.set("file_index_for_arch", (ModuleFunction) (overload, args) -> {
            if (out.get("nfat_arch") == null) {
                return null;
            }
            long nfat = (Long) out.get("nfat_arch") & 0xffffffffL;
            long type = (Long) args[0];
            for (int i = 0; i < nfat; i++) {
                StructValue file = item(out, "file", i);
                if (file == null && i >= listSize(out, "file")) {
                    break;
                }
                if (integer(file, "cputype") == type
                        && (overload == 0 || integer(file, "cpusubtype") == (Long) args[1])) {
                    return (long) i;
                }
            }
            return null;
        });
        out.set("entry_point_for_arch", (ModuleFunction) (overload, args) -> {
            if (out.get("nfat_arch") == null) {
                return null;
            }
            long nfat = (Long) out.get("nfat_arch") & 0xffffffffL;
            long type = (Long) args[0];
            for (int i = 0; i < nfat; i++) {
                StructValue arch = item(out, "fat_arch", i);
                if (arch == null && i >= listSize(out, "fat_arch")) {
                    break;
                }
                if (integer(arch, "cputype") == type
                        && (overload == 0 || integer(arch, "cpusubtype") == (Long) args[1])) {
                    long entry = integer(item(out, "file", i), "entry_point");
                    long offset = integer(arch, "offset");
                    if (overload == 1 && entry == UNDEFINED) {
                        return null;
                    }
                    // The one-argument form adds even an undefined entry point, as YARA 4.5.2 does.
                    long sum = offset + entry;
                    return sum == UNDEFINED ? null : sum;
                }
            }
            return null;
        });
    }

    @SuppressWarnings("unchecked")
    private static int listSize(StructValue s, String array) {
        List<Object> l = (List<Object>) s.get(array);
        return l == null ? 0 : l.size();
    }
}
