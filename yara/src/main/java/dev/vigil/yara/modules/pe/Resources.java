package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.StructValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The resource tree (type / name / language) and the VS_VERSION_INFO string tables found in it. */
final class Resources {
    private static final int MAX_RESOURCES = 65536;
    /**
     * Directory entries visited in all. YARA has no such bound; a tree whose directories point back at themselves
     * can make it visit 65536^3 entries. Real files stay far below this.
     */
    private static final int MAX_VISITS = 1 << 22;
    private static final int RT_VERSION = 16;

    private final PeImage pe;
    private final List<Object> resources = new ArrayList<>();
    private final Map<String, Object> versionInfo = new LinkedHashMap<>();
    private final List<Object> versionInfoList = new ArrayList<>();
    private long root;
    private int visits;
    // The identifiers of the branch being walked; like YARA, a level keeps the last value seen there.
    private int type = -1;
    private int id = -1;
    private int language = -1;

    private Resources(PeImage pe) {
        this.pe = pe;
    }

    static void parse(PeImage pe, StructValue out) {
        Resources r = new Resources(pe);
        long rva = pe.directoryRva(2);
        if (rva != 0) {
            long offset = pe.rvaToOffset(rva);
            if (offset >= 0 && pe.fits(offset, 16)) {
                out.set("resource_timestamp", pe.u32(offset + 4));
                out.set("resource_version", new StructValue().set("major", (long) pe.u16(offset + 8))
                        .set("minor", (long) pe.u16(offset + 10)));
                r.root = offset;
                r.walk(offset, 0, -1, -1, -1);
            }
        }
        out.set("resources", r.resources);
        out.set("number_of_resources", (long) r.resources.size());
        out.set("version_info", r.versionInfo);
        out.set("version_info_list", r.versionInfoList);
        out.set("number_of_version_infos", (long) r.versionInfoList.size());
    }

    /** The offset of a named entry's string (length-prefixed UTF-16), or -1 for an id or an unusable name. */
    private long nameString(long entry) {
        long name = pe.u32(entry);
        if ((name & 0x80000000L) == 0) {
            return -1;
        }
        long at = root + (name & 0x7fffffffL);
        if (!pe.fits(at, 2)) {
            return -1;
        }
        int length = pe.u16(at);
        if (length > 1000 || !pe.fits(at, 2 + length * 2L)) {
            return -1;
        }
        return at;
    }

    private void walk(long directory, int level, long typeString, long nameString, long langString) {
        if (pe.u32(directory) != 0) {
            return;
        }
        int named = pe.u16(directory + 12);
        int ids = pe.u16(directory + 14);
        if (named > 32768 || ids > 32768) {
            return;
        }
        int total = named + ids;
        long entry = directory + 16;
        if (!pe.fits(entry, total * 8L)) {
            return;
        }
        for (int i = 0; i < total; i++, entry += 8) {
            if (++visits > MAX_VISITS || resources.size() >= MAX_RESOURCES) {
                return;
            }
            long target = pe.u32(entry + 4);
            if (target == 0) {
                // YARA skips such an entry without advancing, so the rest of this directory is never read.
                return;
            }
            int name = (int) pe.u32(entry);
            switch (level) {
                case 0 -> {
                    type = name;
                    typeString = nameString(entry);
                }
                case 1 -> {
                    id = name;
                    nameString = nameString(entry);
                }
                default -> {
                    language = name;
                    langString = nameString(entry);
                }
            }
            long child = root + (target & 0x7fffffffL);
            if ((target & 0x80000000L) != 0 && level < 2) {
                if (pe.fits(child, 16)) {
                    walk(child, level + 1, typeString, nameString, langString);
                }
            } else if (pe.fits(child, 16)) {
                long size = pe.u32(child + 4);
                if (size > 0 && size <= 0x3fffffff) {
                    collect(child, typeString, nameString, langString);
                }
            }
        }
    }

    private void collect(long dataEntry, long typeString, long nameString, long langString) {
        StructValue r = new StructValue();
        long rva = pe.u32(dataEntry);
        r.set("rva", rva);
        long offset = pe.rvaToOffset(rva);
        r.set("offset", offset < 0 ? null : Long.valueOf(offset));
        r.set("length", pe.u32(dataEntry + 4));
        stringOrId(r, typeString, type, "type_string", "type");
        stringOrId(r, nameString, id, "name_string", "id");
        stringOrId(r, langString, language, "language_string", "language");
        resources.add(r);
        if (type == RT_VERSION) {
            VersionInfo.parse(pe, rva, versionInfo, versionInfoList);
        }
    }

    private void stringOrId(StructValue r, long string, int value, String stringField, String idField) {
        if (string >= 0) {
            int length = pe.u16(string) * 2;
            if (pe.fits(string + 2, length)) {
                r.set(stringField, pe.bytes(string + 2, length));
            }
        } else if (value != -1) {
            r.set(idField, (long) value);
        }
    }
}
