package dev.vigil.yara.modules.dotnet;

import static dev.vigil.yara.modules.dotnet.CliMetadata.*;

import dev.vigil.yara.modules.StructValue;

/**
 * Second pass over the #~ stream: walks the tables in order, computing each row size from the index widths, reads the
 * tables that produce values (Module, Constant, CustomAttribute, ModuleRef, FieldRVA, Assembly, AssemblyRef,
 * ManifestResource) and records where the tables used to rebuild types lie.
 */
final class TableWalk {
    private final CliMetadata m;
    private final Bytes b;
    private final StructValue out;
    private final long header;
    private final long valid;
    private final long resourceBase;

    private long typerefPtr = -1, memberrefPtr = -1;
    private long typerefRowSize, memberrefRowSize;

    TableWalk(CliMetadata m, long header, long valid, long resourceBase) {
        this.m = m;
        this.b = m.b;
        this.out = m.out;
        this.header = header;
        this.valid = valid;
        this.resourceBase = resourceBase;
    }

    private int str() {
        return m.stringIndex;
    }

    private int blobIdx() {
        return m.blobIndex;
    }

    private int idx(int table) {
        return m.indexSize[table];
    }

    private void table(int t, long offset, long rows, long rowSize) {
        m.tableOffset[t] = offset;
        m.tableRows[t] = rows;
        m.tableRowSize[t] = rowSize;
    }

    void walk() {
        long rowCounts = header + 24;
        long offset = rowCounts + 4L * Long.bitCount(valid);
        // Some compilers add 4 bytes of extra data after the row counts, flagged in HeapSizes.
        if ((b.u8(header + 6) & 0x40) != 0) {
            offset += 4;
        }
        m.stringHeap = m.streamOffset(false);
        m.stringHeapSize = m.stringsSize();
        m.blobHeap = m.streamOffset(true);
        int matched = 0;
        for (int bit = 0; bit < 64; bit++) {
            if ((valid >>> bit & 1) == 0) {
                continue;
            }
            if (!b.fits(rowCounts + matched * 4L, 4)) {
                return;
            }
            long n = b.u32(rowCounts + matched * 4L);
            if (n > 15000) {
                return;
            }
            long rowSize;
            switch (bit) {
                case MODULE -> {
                    if (!b.fits(offset, 18)) {
                        break;
                    }
                    String name = m.string(b.index(offset + 2, str()));
                    if (name != null) {
                        out.set("module_name", Bytes.bytes(name));
                    }
                    rowSize = 2 + str() + m.guidIndex * 3L;
                    table(MODULE, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case TYPEREF -> {
                    rowSize = m.coded(2, MODULE, MODULEREF, ASSEMBLYREF, TYPEREF) + str() * 2L;
                    typerefRowSize = rowSize;
                    typerefPtr = offset;
                    table(TYPEREF, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case TYPEDEF -> {
                    rowSize = 4 + str() * 2L + m.coded(2, TYPEDEF, TYPEREF, TYPESPEC) + idx(FIELD) + idx(METHODDEF);
                    table(TYPEDEF, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case FIELDPTR -> offset += (long) idx(FIELD) * n;
                case FIELD -> offset += (2L + str() + blobIdx()) * n;
                case METHODDEFPTR -> offset += (long) idx(METHODDEF) * n;
                case METHODDEF -> {
                    rowSize = 4 + 2 + 2 + str() + blobIdx() + idx(PARAM);
                    table(METHODDEF, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case PARAM -> {
                    rowSize = 2 + 2 + str();
                    table(PARAM, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case INTERFACEIMPL -> {
                    rowSize = idx(TYPEDEF) + m.coded(2, TYPEDEF, TYPEREF, TYPESPEC);
                    table(INTERFACEIMPL, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case MEMBERREF -> {
                    rowSize = m.coded(3, METHODDEF, MODULEREF, TYPEREF, TYPESPEC) + str() + blobIdx();
                    memberrefRowSize = rowSize;
                    memberrefPtr = offset;
                    offset += rowSize * n;
                }
                case CONSTANT -> {
                    rowSize = constants(offset, n);
                    offset += rowSize * n;
                }
                case CUSTOMATTRIBUTE -> {
                    rowSize = customAttributes(offset, n);
                    offset += rowSize * n;
                }
                case FIELDMARSHAL -> offset += (long) (m.coded(1, FIELD, PARAM) + blobIdx()) * n;
                case DECLSECURITY -> offset += (2L + m.coded(2, TYPEDEF, METHODDEF, ASSEMBLY) + blobIdx()) * n;
                case CLASSLAYOUT -> offset += (2L + 4 + idx(TYPEDEF)) * n;
                case FIELDLAYOUT -> offset += (4L + idx(FIELD)) * n;
                case STANDALONESIG -> offset += (long) blobIdx() * n;
                case EVENTMAP -> offset += (long) (idx(TYPEDEF) + idx(EVENT)) * n;
                case EVENTPTR -> offset += (long) idx(EVENT) * n;
                case EVENT -> offset += (2L + str() + m.coded(2, TYPEDEF, TYPEREF, TYPESPEC)) * n;
                case PROPERTYMAP -> offset += (long) (idx(TYPEDEF) + idx(PROPERTY)) * n;
                case PROPERTYPTR -> offset += (long) idx(PROPERTY) * n;
                case PROPERTY -> offset += (2L + str() + blobIdx()) * n;
                case METHODSEMANTICS -> offset += (2L + idx(METHODDEF) + m.coded(1, EVENT, PROPERTY)) * n;
                case METHODIMPL -> offset += (idx(TYPEDEF) + m.coded(1, METHODDEF, MEMBERREF) * 2L) * n;
                case MODULEREF -> {
                    moduleRefs(offset, n);
                    rowSize = str();
                    table(MODULEREF, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case TYPESPEC -> {
                    rowSize = blobIdx();
                    table(TYPESPEC, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case IMPLMAP -> offset += (2L + m.coded(1, FIELD, METHODDEF) + str() + idx(MODULEREF)) * n;
                case FIELDRVA -> {
                    rowSize = 4 + idx(FIELD);
                    fieldRvas(offset, n, rowSize);
                    offset += rowSize * n;
                }
                case ENCLOG -> offset += 8 * n;
                case ENCMAP -> offset += 4 * n;
                case ASSEMBLY -> {
                    rowSize = 4 + 2 + 2 + 2 + 2 + 4 + blobIdx() + str() * 2L;
                    if (!b.fits(offset, rowSize)) {
                        break;
                    }
                    assembly(offset);
                    offset += rowSize * n;
                }
                case ASSEMBLYPROCESSOR -> offset += 4 * n;
                case ASSEMBLYOS -> offset += 12 * n;
                case ASSEMBLYREF -> {
                    rowSize = 2 + 2 + 2 + 2 + 4 + blobIdx() * 2L + str() * 2L;
                    assemblyRefs(offset, n, rowSize);
                    table(ASSEMBLYREF, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case ASSEMBLYREFPROCESSOR -> offset += (4L + idx(ASSEMBLYREFPROCESSOR)) * n;
                case ASSEMBLYREFOS -> offset += (12L + idx(ASSEMBLYREF)) * n;
                case FILE -> offset += (4L + str() + blobIdx()) * n;
                case EXPORTEDTYPE -> offset += (8L + str() * 2L + m.coded(2, FILE, ASSEMBLYREF, EXPORTEDTYPE)) * n;
                case MANIFESTRESOURCE -> {
                    int impl = m.coded(2, FILE, ASSEMBLYREF);
                    rowSize = 8 + str() + impl;
                    resources(offset, n, rowSize, impl);
                    offset += rowSize * n;
                }
                case NESTEDCLASS -> {
                    rowSize = idx(TYPEDEF) * 2L;
                    table(NESTEDCLASS, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case GENERICPARAM -> {
                    rowSize = 2 + 2 + m.coded(1, TYPEDEF, METHODDEF) + str();
                    table(GENERICPARAM, offset, n, rowSize);
                    offset += rowSize * n;
                }
                case METHODSPEC -> offset += (long) (m.coded(1, METHODDEF, MEMBERREF) + blobIdx()) * n;
                case GENERICPARAMCONSTRAINT -> offset += (long) (idx(GENERICPARAM)
                        + m.coded(2, TYPEDEF, TYPEREF, TYPESPEC)) * n;
                default -> {
                    // A table YARA does not know the layout of (e.g. ParamPtr): it stops here.
                    return;
                }
            }
            matched++;
        }
        new TypeReconstruction(m).parseUserTypes();
    }

    private long constants(long offset, long n) {
        int parent = m.coded(2, PARAM, FIELD, PROPERTY);
        long rowSize = 1 + 1 + parent + blobIdx();
        long row = offset;
        int counter = 0;
        for (long i = 0; i < n; i++, row += rowSize) {
            if (!b.fits(row, rowSize)) {
                break;
            }
            // Only string constants (ELEMENT_TYPE_STRING); YARA compares the 16-bit Type+padding column.
            if (b.u16(row) != 0x0e) {
                continue;
            }
            long p = m.blobHeap + b.index(row + 2 + parent, blobIdx());
            long entry = m.blobEntry(p);
            if (CliMetadata.blobSize(entry) == 0) {
                continue;
            }
            long length = CliMetadata.blobLength(entry);
            p += CliMetadata.blobSize(entry);
            if (p + length >= b.n) {
                continue;
            }
            Values.item(out, "constants", counter++, b.slice(p, length));
        }
        out.set("number_of_constants", counter);
        return rowSize;
    }

    private long customAttributes(long offset, long n) {
        int parentSize = m.coded(5, METHODDEF, FIELD, TYPEREF, TYPEDEF, PARAM, INTERFACEIMPL, MEMBERREF, MODULE,
                PROPERTY, EVENT, STANDALONESIG, MODULEREF, TYPESPEC, ASSEMBLY, ASSEMBLYREF, FILE, EXPORTEDTYPE,
                MANIFESTRESOURCE, GENERICPARAM, GENERICPARAMCONSTRAINT, METHODSPEC);
        int typeSize = m.coded(3, METHODDEF, MEMBERREF);
        long rowSize = parentSize + typeSize + blobIdx();
        if (typerefPtr < 0 || memberrefPtr < 0) {
            return rowSize;
        }
        long row = offset;
        for (long i = 0; i < n; i++, row += rowSize) {
            if (!b.fits(row, rowSize)) {
                break;
            }
            // The GuidAttribute of the assembly: Parent is an Assembly, Type a MemberRef whose class is a TypeRef.
            if ((b.index(row, parentSize) & 0x1f) != 0x0e) {
                continue;
            }
            long type = b.index(row + parentSize, typeSize);
            if ((type & 7) != 3) {
                continue;
            }
            long typeIndex = type >>> 3;
            if (typeIndex > 0) {
                typeIndex--;
            }
            long memberref = memberrefPtr + memberrefRowSize * typeIndex;
            if (!b.fits(memberref, memberrefRowSize)) {
                break;
            }
            // YARA reads the MemberRef Class column with the width of a simple MemberRef index.
            long cls = b.index(memberref, idx(MEMBERREF));
            if ((cls & 7) != 1) {
                continue;
            }
            long classIndex = cls >>> 3;
            if (classIndex > 0) {
                classIndex--;
            }
            long typeref = typerefPtr + typerefRowSize * classIndex;
            if (!b.fits(typeref, typerefRowSize)) {
                break;
            }
            typeref += m.coded(2, MODULE, MODULEREF, ASSEMBLYREF, TYPEREF);
            String name = m.string(b.index(typeref, str()));
            if (name != null && !name.startsWith("GuidAttribute")) {
                continue;
            }
            long blobIndex = b.index(row + parentSize + typeSize, blobIdx());
            long p = m.blobHeap + blobIndex;
            if (blobIndex == 0 || p >= b.n) {
                continue;
            }
            long entry = m.blobEntry(p);
            if (CliMetadata.blobSize(entry) == 0) {
                continue;
            }
            long length = CliMetadata.blobLength(entry);
            p += CliMetadata.blobSize(entry);
            if (length < 3 || p + length >= b.n || b.u16(p) != 1) {
                continue;
            }
            p += 2;
            int strLen = b.u8(p);
            p++;
            if (p + strLen > b.n) {
                continue;
            }
            String typelib;
            int first = b.u8(p);
            if (first == 0xff || first == 0) {
                typelib = "";
            } else {
                long nul = b.indexOfNul(p, strLen);
                typelib = b.latin1(p, (nul < 0 ? p + strLen : nul) - p);
            }
            out.set("typelib", Bytes.bytes(typelib));
        }
        return rowSize;
    }

    private void moduleRefs(long offset, long n) {
        long row = offset;
        int counter = 0;
        for (long i = 0; i < n; i++, row += str()) {
            if (!b.fits(row, 4)) {
                break;
            }
            String name = m.string(b.index(row, str()));
            if (name != null) {
                Values.item(out, "modulerefs", counter++, Bytes.bytes(name));
            }
        }
        out.set("number_of_modulerefs", counter);
    }

    private void fieldRvas(long offset, long n, long rowSize) {
        long row = offset;
        int counter = 0;
        for (long i = 0; i < n; i++, row += rowSize) {
            if (!b.fits(row, 8)) {
                break;
            }
            long fieldOffset = m.pe.rvaToOffset(b.u32(row));
            if (fieldOffset >= 0) {
                Values.item(out, "field_offsets", counter++, fieldOffset);
            }
        }
        out.set("number_of_field_offsets", counter);
    }

    private void assembly(long row) {
        StructValue assembly = Values.struct(out, "assembly");
        StructValue version = Values.struct(assembly, "version");
        version.set("major", b.u16(row + 4));
        version.set("minor", b.u16(row + 6));
        version.set("build_number", b.u16(row + 8));
        version.set("revision_number", b.u16(row + 10));
        long nameAt = row + 16 + blobIdx();
        String name = m.string(b.index(nameAt, str()));
        if (name != null) {
            assembly.set("name", Bytes.bytes(name));
        }
        String culture = m.string(b.index(nameAt + str(), str()));
        if (culture != null && !culture.isEmpty()) {
            assembly.set("culture", Bytes.bytes(culture));
        }
    }

    private void assemblyRefs(long offset, long n, long rowSize) {
        long row = offset;
        int i;
        for (i = 0; i < n; i++, row += rowSize) {
            if (!b.fits(row, rowSize)) {
                break;
            }
            StructValue ref = Values.struct(out, "assembly_refs", i);
            StructValue version = Values.struct(ref, "version");
            version.set("major", b.u16(row));
            version.set("minor", b.u16(row + 2));
            version.set("build_number", b.u16(row + 4));
            version.set("revision_number", b.u16(row + 6));
            long p = m.blobHeap + b.index(row + 12, blobIdx());
            long entry = m.blobEntry(p);
            p += CliMetadata.blobSize(entry);
            long length = CliMetadata.blobLength(entry);
            if (CliMetadata.blobSize(entry) == 0 || !b.fits(p, length)) {
                continue;
            }
            if (length > 0) {
                ref.set("public_key_or_token", b.slice(p, length));
            }
            String name = m.string(b.index(row + 12 + blobIdx(), str()));
            if (name != null) {
                ref.set("name", Bytes.bytes(name));
            }
        }
        out.set("number_of_assembly_refs", i);
    }

    private void resources(long offset, long n, long rowSize, int implSize) {
        long row = offset;
        int i;
        for (i = 0; i < n; i++, row += rowSize) {
            if (!b.fits(row, rowSize)) {
                break;
            }
            long implementation = b.index(row + 8 + str(), implSize);
            String name = m.string(b.index(row + 8, str()));
            if (name != null) {
                Values.struct(out, "resources", i).set("name", Bytes.bytes(name));
            }
            // Only resources stored in this file have an offset and a length.
            if (implementation != 0) {
                continue;
            }
            long at = resourceBase + b.u32(row);
            if (!b.fits(at, 4)) {
                continue;
            }
            StructValue r = Values.struct(out, "resources", i);
            r.set("offset", at + 4);
            r.set("length", b.u32(at));
        }
        out.set("number_of_resources", i);
    }
}
