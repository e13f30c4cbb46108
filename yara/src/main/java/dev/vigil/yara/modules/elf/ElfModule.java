package dev.vigil.yara.modules.elf;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * YARA 4.5.2's {@code elf} module: header fields, sections, segments, the dynamic table, symtab and dynsym, and the
 * {@code telfhash()} and {@code import_md5()} functions. {@link ElfParser} reproduces YARA's bounds checks, including
 * its quirks, so that malformed files give the same values as in YARA 4.5.2.
 */
public final class ElfModule implements YaraModule {

    /** Named constants, in YARA's declaration order. */
    static final Map<String, Long> CONSTANTS = constants();

    private static final Type SYMBOL = Type.struct().string("name").integer("value").integer("size")
            .integer("type").integer("bind").integer("shndx").build();

    private static final Type.Struct SCHEMA = schema(CONSTANTS);

    @Override
    public String name() {
        return "elf";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) throws IOException {
        StructValue value = new StructValue();
        CONSTANTS.forEach((name, v) -> value.set(name, (Object) v));
        ElfParser.Symbols symbols = ElfParser.parse(context.input(), context.size(), value);
        String[] telfhash = new String[1];
        byte[][] importMd5 = new byte[1][];
        value.set("telfhash", (ModuleFunction) (o, a) -> {
            if (telfhash[0] == null && symbols != null) {
                telfhash[0] = SymbolHashes.telfhash(symbols.preferred());
            }
            return telfhash[0] == null ? null : telfhash[0].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        });
        value.set("import_md5", (ModuleFunction) (o, a) -> {
            if (importMd5[0] == null && symbols != null) {
                importMd5[0] = SymbolHashes.importMd5(symbols.preferred());
            }
            return importMd5[0];
        });
        return value;
    }

    private static Type.Struct schema(Map<String, Long> constants) {
        Type.StructBuilder b = Type.struct();
        for (String name : constants.keySet()) {
            b.integer(name);
        }
        return b.integer("type").integer("machine").integer("entry_point")
                .integer("number_of_sections").integer("sh_offset").integer("sh_entry_size")
                .integer("number_of_segments").integer("ph_offset").integer("ph_entry_size")
                .field("sections", new Type.Array(Type.struct().integer("type").integer("flags").integer("address")
                        .string("name").integer("size").integer("offset").build()))
                .field("segments", new Type.Array(Type.struct().integer("type").integer("flags").integer("offset")
                        .integer("virtual_address").integer("physical_address").integer("file_size")
                        .integer("memory_size").integer("alignment").build()))
                .integer("dynamic_section_entries")
                .field("dynamic", new Type.Array(Type.struct().integer("type").integer("val").build()))
                .integer("symtab_entries")
                .field("symtab", new Type.Array(SYMBOL))
                .integer("dynsym_entries")
                .field("dynsym", new Type.Array(SYMBOL))
                .function("telfhash", "", Type.STRING)
                .function("import_md5", "", Type.STRING)
                .build();
    }

    private static Map<String, Long> constants() {
        Map<String, Long> c = new LinkedHashMap<>();
        String[] et = {"ET_NONE", "ET_REL", "ET_EXEC", "ET_DYN", "ET_CORE"};
        for (int i = 0; i < et.length; i++) {
            c.put(et[i], (long) i);
        }
        Object[] em = {"EM_NONE", 0, "EM_M32", 1, "EM_SPARC", 2, "EM_386", 3, "EM_68K", 4, "EM_88K", 5, "EM_860", 7,
                "EM_MIPS", 8, "EM_MIPS_RS3_LE", 0x0A, "EM_PPC", 0x14, "EM_PPC64", 0x15, "EM_ARM", 0x28,
                "EM_X86_64", 0x3E, "EM_AARCH64", 0xB7};
        pairs(c, em);
        String[] sht = {"SHT_NULL", "SHT_PROGBITS", "SHT_SYMTAB", "SHT_STRTAB", "SHT_RELA", "SHT_HASH",
                "SHT_DYNAMIC", "SHT_NOTE", "SHT_NOBITS", "SHT_REL", "SHT_SHLIB", "SHT_DYNSYM"};
        for (int i = 0; i < sht.length; i++) {
            c.put(sht[i], (long) i);
        }
        pairs(c, new Object[] {"SHF_WRITE", 1, "SHF_ALLOC", 2, "SHF_EXECINSTR", 4});
        String[] pt = {"PT_NULL", "PT_LOAD", "PT_DYNAMIC", "PT_INTERP", "PT_NOTE", "PT_SHLIB", "PT_PHDR", "PT_TLS"};
        for (int i = 0; i < pt.length; i++) {
            c.put(pt[i], (long) i);
        }
        pairs(c, new Object[] {"PT_GNU_EH_FRAME", 0x6474e550, "PT_GNU_STACK", 0x6474e551});
        String[] dt = {"DT_NULL", "DT_NEEDED", "DT_PLTRELSZ", "DT_PLTGOT", "DT_HASH", "DT_STRTAB", "DT_SYMTAB",
                "DT_RELA", "DT_RELASZ", "DT_RELAENT", "DT_STRSZ", "DT_SYMENT", "DT_INIT", "DT_FINI", "DT_SONAME",
                "DT_RPATH", "DT_SYMBOLIC", "DT_REL", "DT_RELSZ", "DT_RELENT", "DT_PLTREL", "DT_DEBUG",
                "DT_TEXTREL", "DT_JMPREL", "DT_BIND_NOW", "DT_INIT_ARRAY", "DT_FINI_ARRAY", "DT_INIT_ARRAYSZ",
                "DT_FINI_ARRAYSZ", "DT_RUNPATH", "DT_FLAGS"};
        for (int i = 0; i < dt.length; i++) {
            c.put(dt[i], (long) i);
        }
        c.put("DT_ENCODING", 32L);
        String[] stt = {"STT_NOTYPE", "STT_OBJECT", "STT_FUNC", "STT_SECTION", "STT_FILE", "STT_COMMON",
                "STT_TLS"};
        for (int i = 0; i < stt.length; i++) {
            c.put(stt[i], (long) i);
        }
        pairs(c, new Object[] {"STB_LOCAL", 0, "STB_GLOBAL", 1, "STB_WEAK", 2, "PF_X", 1, "PF_W", 2, "PF_R", 4});
        return java.util.Collections.unmodifiableMap(c);
    }

    private static void pairs(Map<String, Long> c, Object[] namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            c.put((String) namesAndValues[i], ((Integer) namesAndValues[i + 1]).longValue());
        }
    }
}
