package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.strings.YaraRegex;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The pe module's functions, bound to one file's values. They reproduce YARA's quirks where a rule can observe
 * them (e.g. {@code is_dll()} returns the flag value 0x2000, {@code exports(n)} is 0 for ordinals above the export
 * count).
 */
final class PeFunctions {
    private static final int STANDARD = 1;
    private static final int DELAYED = 2;
    /** YARA's undefined marker; functions that read an undefined integer field see this value. */
    private static final long UNDEFINED = 0xFFFABADAFABADAFFL;

    private final PeImage pe;
    private final StructValue out;
    private final List<Imports.Dll> imports;
    private final List<Imports.Dll> delayed;
    private byte[] imphash;

    private PeFunctions(PeImage pe, StructValue out, List<Imports.Dll> imports, List<Imports.Dll> delayed) {
        this.pe = pe;
        this.out = out;
        this.imports = imports;
        this.delayed = delayed;
    }

    static void bind(PeImage pe, StructValue out, StructValue rich, List<Imports.Dll> imports,
            List<Imports.Dll> delayed) {
        PeFunctions f = new PeFunctions(pe, out, imports, delayed);
        out.set("calculate_checksum", (ModuleFunction) (o, a) -> f.checksum());
        out.set("imphash", (ModuleFunction) (o, a) -> f.imphash());
        out.set("section_index", (ModuleFunction) f::sectionIndex);
        out.set("exports", (ModuleFunction) f::exports);
        out.set("exports_index", (ModuleFunction) f::exportsIndex);
        out.set("imports", (ModuleFunction) f::imports);
        out.set("import_rva", (ModuleFunction) (o, a) -> f.importRva("import_details", "number_of_imports", o, a));
        out.set("delayed_import_rva", (ModuleFunction) (o, a) -> f.importRva("delayed_import_details",
                "number_of_delayed_imports", o, a));
        out.set("locale", (ModuleFunction) (o, a) -> f.language((Long) a[0], 0xffff));
        out.set("language", (ModuleFunction) (o, a) -> f.language((Long) a[0], 0xff));
        out.set("is_dll", (ModuleFunction) (o, a) -> out.get("characteristics") instanceof Long c ? c & 0x2000 : null);
        out.set("is_32bit", (ModuleFunction) (o, a) -> pe == null ? null : pe.is64 ? 0L : 1L);
        out.set("is_64bit", (ModuleFunction) (o, a) -> pe == null ? null : pe.is64 ? 1L : 0L);
        out.set("rva_to_offset", (ModuleFunction) (o, a) -> {
            if (pe == null) {
                return null;
            }
            long offset = pe.rvaToOffset((Long) a[0]);
            return offset == -1 ? null : offset;
        });
        rich.set("version", (ModuleFunction) (o, a) -> richCount(rich, (Long) a[0], o == 0 ? null : (Long) a[1]));
        rich.set("toolid", (ModuleFunction) (o, a) -> richCount(rich, o == 0 ? null : (Long) a[1], (Long) a[0]));
    }

    /** Sum of use counts of rich entries matching version and/or tool id (null: any). */
    static Long richCount(StructValue rich, Long version, Long toolid) {
        if (!(rich.get("length") instanceof Long length) || !(rich.get("clear_data") instanceof byte[] clear)
                || length < 16) {
            return null;
        }
        long result = 0;
        for (int i = 16; i + 8 <= clear.length; i += 8) {
            long idVersion = PeImage.u32(clear, i);
            boolean versionOk = version == null || version == (idVersion & 0xffff);
            boolean toolOk = toolid == null || toolid == (idVersion >>> 16);
            if (versionOk && toolOk) {
                result += PeImage.u32(clear, i + 4);
            }
        }
        return result;
    }

    private Long checksum() {
        if (pe == null) {
            return null;
        }
        byte[] d = pe.data;
        long checksumOffset = pe.optOffset + 64L;
        long sum = 0;
        int words = d.length / 4;
        for (int i = 0; i <= words; i++) {
            if (4L * i == checksumOffset) {
                continue;
            }
            if (4L * i + 4 <= d.length) {
                sum += PeImage.u32(d, 4 * i);
            } else {
                for (int j = 0; j < d.length % 4; j++) {
                    sum += (long) (d[4 * i + j] & 0xff) << (8 * j);
                }
            }
            if (sum > 0xffffffffL) {
                sum = (sum & 0xffffffffL) + (sum >>> 32);
            }
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum += sum >>> 16;
        sum &= 0xffff;
        return sum + d.length;
    }

    private Object imphash() {
        if (pe == null) {
            return null;
        }
        if (imphash == null) {
            MessageDigest md5;
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            // The text is built in one array and hashed at once: MessageDigest.update(byte) per byte cost more
            // than the rest of a PE file's module load.
            byte[] text = new byte[256];
            int n = 0;
            for (Imports.Dll dll : imports) {
                byte[] name = dll.name();
                int length = name.length;
                int dot = -1;
                for (int i = name.length - 1; i >= 0; i--) {
                    if (name[i] == '.') {
                        dot = i;
                        break;
                    }
                }
                if (dot >= 0 && (extension(name, dot, ".ocx") || extension(name, dot, ".sys")
                        || extension(name, dot, ".dll"))) {
                    length = dot;
                }
                for (Imports.Function f : dll.functions()) {
                    byte[] fn = f.name() == null ? new byte[0] : f.name();
                    int need = n + 2 + length + fn.length;
                    if (need > text.length) {
                        text = java.util.Arrays.copyOf(text, Math.max(need, text.length * 2));
                    }
                    if (n > 0) {
                        text[n++] = ',';
                    }
                    for (int i = 0; i < length; i++) {
                        text[n++] = (byte) Ascii.lower(name[i]);
                    }
                    text[n++] = '.';
                    for (byte b : fn) {
                        text[n++] = (byte) Ascii.lower(b);
                    }
                }
            }
            md5.update(text, 0, n);
            imphash = HexFormat.of().formatHex(md5.digest()).getBytes(StandardCharsets.US_ASCII);
        }
        return imphash;
    }

    /** strncasecmp(ext, ".dll", 4): only the first four bytes count. */
    private static boolean extension(byte[] name, int dot, String ext) {
        if (name.length - dot < 4) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (Ascii.lower(name[dot + i]) != ext.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object v) {
        return v instanceof List<?> l ? (List<Object>) l : List.of();
    }

    private Object sectionIndex(int overload, Object[] a) {
        if (!(out.get("number_of_sections") instanceof Long)) {
            return null;
        }
        List<Object> sections = list(out.get("sections"));
        for (int i = 0; i < sections.size(); i++) {
            StructValue s = (StructValue) sections.get(i);
            if (overload == 0) {
                if (java.util.Arrays.equals(Ascii.cString((byte[]) a[0]), Ascii.cString((byte[]) s.get("name")))) {
                    return (long) i;
                }
            } else {
                long addr = (Long) a[0];
                long offset = (Long) s.get("raw_data_offset");
                long size = (Long) s.get("raw_data_size");
                if (addr >= offset && addr < offset + size) {
                    return (long) i;
                }
            }
        }
        return null;
    }

    /** YARA's ss_icompare: same length and the same bytes ignoring ASCII case. */
    private static boolean sizedEqualsIgnoreCase(byte[] a, byte[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (Ascii.lower(a[i]) != Ascii.lower(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Index of the first export matching the argument, -1 when none, or null when YARA gives undefined. */
    private long findExport(int overload, Object[] a) {
        List<Object> details = list(out.get("export_details"));
        int n = (int) (long) (Long) out.get("number_of_exports");
        if (overload == 2) {
            long ordinal = (Long) a[0];
            if (ordinal == 0 || ordinal > n) {
                return -1;
            }
        }
        for (int i = 0; i < n && i < details.size(); i++) {
            StructValue e = (StructValue) details.get(i);
            boolean hit = switch (overload) {
                case 0 -> e.get("name") instanceof byte[] name && sizedEqualsIgnoreCase(name, (byte[]) a[0]);
                case 1 -> e.get("name") instanceof byte[] name && ((YaraRegex) a[0]).find(Ascii.cString(name));
                default -> e.get("ordinal") instanceof Long ord && ord.longValue() == (Long) a[0];
            };
            if (hit) {
                return i;
            }
        }
        return -1;
    }

    /** exports(s), exports(r), exports(i). */
    private Object exports(int overload, Object[] a) {
        if (pe == null) {
            return null;
        }
        return findExport(overload, a) >= 0 ? 1L : 0L;
    }

    /** exports_index(s), exports_index(i), exports_index(r): declared in a different order than exports(). */
    private Object exportsIndex(int overload, Object[] a) {
        if (pe == null) {
            return null;
        }
        int kind = switch (overload) {
            case 0 -> 0;
            case 1 -> 2;
            default -> 1;
        };
        long i = findExport(kind, a);
        return i >= 0 ? Long.valueOf(i) : null;
    }

    private static long count(List<Imports.Dll> dlls, byte[] dll, byte[] function, Long ordinal) {
        long result = 0;
        for (Imports.Dll d : dlls) {
            if (!Ascii.equalsIgnoreCase(d.name(), dll)) {
                continue;
            }
            for (Imports.Function f : d.functions()) {
                if (function == null && ordinal == null) {
                    result++;
                } else if (function != null && f.name() != null && Ascii.equalsIgnoreCase(f.name(), function)) {
                    return 1;
                } else if (ordinal != null && f.hasOrdinal() && f.ordinal() == ordinal) {
                    return 1;
                }
            }
        }
        return result;
    }

    private static long countRegex(List<Imports.Dll> dlls, YaraRegex dll, YaraRegex function) {
        long result = 0;
        for (Imports.Dll d : dlls) {
            if (!dll.find(d.name())) {
                continue;
            }
            for (Imports.Function f : d.functions()) {
                if (f.name() != null && function.find(f.name())) {
                    result++;
                }
            }
        }
        return result;
    }

    /** The eight imports() overloads: ss, si, s, rr, then the same four with a leading flags argument. */
    private Object imports(int overload, Object[] a) {
        if (pe == null) {
            return null;
        }
        int flags = STANDARD;
        Object[] args = a;
        if (overload >= 4) {
            flags = (int) (long) (Long) a[0];
            args = java.util.Arrays.copyOfRange(a, 1, a.length);
            overload -= 4;
        }
        long result = 0;
        for (int which = STANDARD; which <= DELAYED; which++) {
            if ((flags & which) == 0) {
                continue;
            }
            List<Imports.Dll> dlls = which == STANDARD ? imports : delayed;
            long r = switch (overload) {
                case 0 -> count(dlls, (byte[]) args[0], (byte[]) args[1], null);
                case 1 -> count(dlls, (byte[]) args[0], null, (Long) args[1]);
                case 2 -> count(dlls, (byte[]) args[0], null, null);
                default -> countRegex(dlls, (YaraRegex) args[0], (YaraRegex) args[1]);
            };
            // Name and ordinal lookups answer 1 at the first table that has the function.
            if (r > 0 && (overload == 0 || overload == 1)) {
                return 1L;
            }
            result += r;
        }
        return result;
    }

    private Object importRva(String table, String countField, int overload, Object[] a) {
        if (pe == null || !(out.get(countField) instanceof Long n)) {
            return null;
        }
        List<Object> dlls = list(out.get(table));
        for (int i = 0; i < n && i < dlls.size(); i++) {
            StructValue dll = (StructValue) dlls.get(i);
            if (!(dll.get("library_name") instanceof byte[] name) || !sizedEqualsIgnoreCase((byte[]) a[0], name)) {
                continue;
            }
            for (Object o : list(dll.get("functions"))) {
                StructValue f = (StructValue) o;
                boolean hit = overload == 0
                        ? f.get("name") instanceof byte[] fn && sizedEqualsIgnoreCase((byte[]) a[1], fn)
                        : f.get("ordinal") instanceof Long ord && ord.longValue() == (Long) a[1];
                if (hit) {
                    return f.get("rva");
                }
            }
        }
        return null;
    }

    private Object language(long wanted, int mask) {
        if (pe == null || !(out.get("number_of_resources") instanceof Long)) {
            return null;
        }
        for (Object o : list(out.get("resources"))) {
            long language = ((StructValue) o).get("language") instanceof Long l ? l : UNDEFINED;
            if ((language & mask) == wanted) {
                return 1L;
            }
        }
        return 0L;
    }
}
