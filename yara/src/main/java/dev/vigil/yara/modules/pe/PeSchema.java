package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.Type;

/** The members of YARA 4.5.2's {@code pe} module, as it declares them (built with libcrypto). */
final class PeSchema {

    private PeSchema() {
    }

    /** Constant name and value pairs, set for every scanned file. */
    static final Object[] CONSTANTS = {
            "MACHINE_UNKNOWN", 0L,
            "MACHINE_AM33", 467L,
            "MACHINE_AMD64", 34404L,
            "MACHINE_ARM", 448L,
            "MACHINE_ARMNT", 452L,
            "MACHINE_ARM64", 43620L,
            "MACHINE_EBC", 3772L,
            "MACHINE_I386", 332L,
            "MACHINE_IA64", 512L,
            "MACHINE_M32R", 36929L,
            "MACHINE_MIPS16", 614L,
            "MACHINE_MIPSFPU", 870L,
            "MACHINE_MIPSFPU16", 1126L,
            "MACHINE_POWERPC", 496L,
            "MACHINE_POWERPCFP", 497L,
            "MACHINE_R4000", 358L,
            "MACHINE_SH3", 418L,
            "MACHINE_SH3DSP", 419L,
            "MACHINE_SH4", 422L,
            "MACHINE_SH5", 424L,
            "MACHINE_THUMB", 450L,
            "MACHINE_WCEMIPSV2", 361L,
            "MACHINE_TARGET_HOST", 1L,
            "MACHINE_R3000", 354L,
            "MACHINE_R10000", 360L,
            "MACHINE_ALPHA", 388L,
            "MACHINE_SH3E", 420L,
            "MACHINE_ALPHA64", 644L,
            "MACHINE_AXP64", 644L,
            "MACHINE_TRICORE", 1312L,
            "MACHINE_CEF", 3311L,
            "MACHINE_CEE", 49390L,
            "SUBSYSTEM_UNKNOWN", 0L,
            "SUBSYSTEM_NATIVE", 1L,
            "SUBSYSTEM_WINDOWS_GUI", 2L,
            "SUBSYSTEM_WINDOWS_CUI", 3L,
            "SUBSYSTEM_OS2_CUI", 5L,
            "SUBSYSTEM_POSIX_CUI", 7L,
            "SUBSYSTEM_NATIVE_WINDOWS", 8L,
            "SUBSYSTEM_WINDOWS_CE_GUI", 9L,
            "SUBSYSTEM_EFI_APPLICATION", 10L,
            "SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER", 11L,
            "SUBSYSTEM_EFI_RUNTIME_DRIVER", 12L,
            "SUBSYSTEM_EFI_ROM_IMAGE", 13L,
            "SUBSYSTEM_XBOX", 14L,
            "SUBSYSTEM_WINDOWS_BOOT_APPLICATION", 16L,
            "HIGH_ENTROPY_VA", 32L,
            "DYNAMIC_BASE", 64L,
            "FORCE_INTEGRITY", 128L,
            "NX_COMPAT", 256L,
            "NO_ISOLATION", 512L,
            "NO_SEH", 1024L,
            "NO_BIND", 2048L,
            "APPCONTAINER", 4096L,
            "WDM_DRIVER", 8192L,
            "GUARD_CF", 16384L,
            "TERMINAL_SERVER_AWARE", 32768L,
            "RELOCS_STRIPPED", 1L,
            "EXECUTABLE_IMAGE", 2L,
            "LINE_NUMS_STRIPPED", 4L,
            "LOCAL_SYMS_STRIPPED", 8L,
            "AGGRESIVE_WS_TRIM", 16L,
            "LARGE_ADDRESS_AWARE", 32L,
            "BYTES_REVERSED_LO", 128L,
            "MACHINE_32BIT", 256L,
            "DEBUG_STRIPPED", 512L,
            "REMOVABLE_RUN_FROM_SWAP", 1024L,
            "NET_RUN_FROM_SWAP", 2048L,
            "SYSTEM", 4096L,
            "DLL", 8192L,
            "UP_SYSTEM_ONLY", 16384L,
            "BYTES_REVERSED_HI", 32768L,
            "IMAGE_DIRECTORY_ENTRY_EXPORT", 0L,
            "IMAGE_DIRECTORY_ENTRY_IMPORT", 1L,
            "IMAGE_DIRECTORY_ENTRY_RESOURCE", 2L,
            "IMAGE_DIRECTORY_ENTRY_EXCEPTION", 3L,
            "IMAGE_DIRECTORY_ENTRY_SECURITY", 4L,
            "IMAGE_DIRECTORY_ENTRY_BASERELOC", 5L,
            "IMAGE_DIRECTORY_ENTRY_DEBUG", 6L,
            "IMAGE_DIRECTORY_ENTRY_ARCHITECTURE", 7L,
            "IMAGE_DIRECTORY_ENTRY_COPYRIGHT", 7L,
            "IMAGE_DIRECTORY_ENTRY_GLOBALPTR", 8L,
            "IMAGE_DIRECTORY_ENTRY_TLS", 9L,
            "IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG", 10L,
            "IMAGE_DIRECTORY_ENTRY_BOUND_IMPORT", 11L,
            "IMAGE_DIRECTORY_ENTRY_IAT", 12L,
            "IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT", 13L,
            "IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR", 14L,
            "IMAGE_NT_OPTIONAL_HDR32_MAGIC", 267L,
            "IMAGE_NT_OPTIONAL_HDR64_MAGIC", 523L,
            "IMAGE_ROM_OPTIONAL_HDR_MAGIC", 263L,
            "SECTION_NO_PAD", 8L,
            "SECTION_CNT_CODE", 32L,
            "SECTION_CNT_INITIALIZED_DATA", 64L,
            "SECTION_CNT_UNINITIALIZED_DATA", 128L,
            "SECTION_LNK_OTHER", 256L,
            "SECTION_LNK_INFO", 512L,
            "SECTION_LNK_REMOVE", 2048L,
            "SECTION_LNK_COMDAT", 4096L,
            "SECTION_NO_DEFER_SPEC_EXC", 16384L,
            "SECTION_GPREL", 32768L,
            "SECTION_MEM_FARDATA", 32768L,
            "SECTION_MEM_PURGEABLE", 131072L,
            "SECTION_MEM_16BIT", 131072L,
            "SECTION_MEM_LOCKED", 262144L,
            "SECTION_MEM_PRELOAD", 524288L,
            "SECTION_ALIGN_1BYTES", 1048576L,
            "SECTION_ALIGN_2BYTES", 2097152L,
            "SECTION_ALIGN_4BYTES", 3145728L,
            "SECTION_ALIGN_8BYTES", 4194304L,
            "SECTION_ALIGN_16BYTES", 5242880L,
            "SECTION_ALIGN_32BYTES", 6291456L,
            "SECTION_ALIGN_64BYTES", 7340032L,
            "SECTION_ALIGN_128BYTES", 8388608L,
            "SECTION_ALIGN_256BYTES", 9437184L,
            "SECTION_ALIGN_512BYTES", 10485760L,
            "SECTION_ALIGN_1024BYTES", 11534336L,
            "SECTION_ALIGN_2048BYTES", 12582912L,
            "SECTION_ALIGN_4096BYTES", 13631488L,
            "SECTION_ALIGN_8192BYTES", 14680064L,
            "SECTION_ALIGN_MASK", 15728640L,
            "SECTION_LNK_NRELOC_OVFL", 16777216L,
            "SECTION_MEM_DISCARDABLE", 33554432L,
            "SECTION_MEM_NOT_CACHED", 67108864L,
            "SECTION_MEM_NOT_PAGED", 134217728L,
            "SECTION_MEM_SHARED", 268435456L,
            "SECTION_MEM_EXECUTE", 536870912L,
            "SECTION_MEM_READ", 1073741824L,
            "SECTION_MEM_WRITE", 2147483648L,
            "SECTION_SCALE_INDEX", 1L,
            "RESOURCE_TYPE_CURSOR", 1L,
            "RESOURCE_TYPE_BITMAP", 2L,
            "RESOURCE_TYPE_ICON", 3L,
            "RESOURCE_TYPE_MENU", 4L,
            "RESOURCE_TYPE_DIALOG", 5L,
            "RESOURCE_TYPE_STRING", 6L,
            "RESOURCE_TYPE_FONTDIR", 7L,
            "RESOURCE_TYPE_FONT", 8L,
            "RESOURCE_TYPE_ACCELERATOR", 9L,
            "RESOURCE_TYPE_RCDATA", 10L,
            "RESOURCE_TYPE_MESSAGETABLE", 11L,
            "RESOURCE_TYPE_GROUP_CURSOR", 12L,
            "RESOURCE_TYPE_GROUP_ICON", 14L,
            "RESOURCE_TYPE_VERSION", 16L,
            "RESOURCE_TYPE_DLGINCLUDE", 17L,
            "RESOURCE_TYPE_PLUGPLAY", 19L,
            "RESOURCE_TYPE_VXD", 20L,
            "RESOURCE_TYPE_ANICURSOR", 21L,
            "RESOURCE_TYPE_ANIICON", 22L,
            "RESOURCE_TYPE_HTML", 23L,
            "RESOURCE_TYPE_MANIFEST", 24L,
            "IMAGE_DEBUG_TYPE_UNKNOWN", 0L,
            "IMAGE_DEBUG_TYPE_COFF", 1L,
            "IMAGE_DEBUG_TYPE_CODEVIEW", 2L,
            "IMAGE_DEBUG_TYPE_FPO", 3L,
            "IMAGE_DEBUG_TYPE_MISC", 4L,
            "IMAGE_DEBUG_TYPE_EXCEPTION", 5L,
            "IMAGE_DEBUG_TYPE_FIXUP", 6L,
            "IMAGE_DEBUG_TYPE_OMAP_TO_SRC", 7L,
            "IMAGE_DEBUG_TYPE_OMAP_FROM_SRC", 8L,
            "IMAGE_DEBUG_TYPE_BORLAND", 9L,
            "IMAGE_DEBUG_TYPE_RESERVED10", 10L,
            "IMAGE_DEBUG_TYPE_CLSID", 11L,
            "IMAGE_DEBUG_TYPE_VC_FEATURE", 12L,
            "IMAGE_DEBUG_TYPE_POGO", 13L,
            "IMAGE_DEBUG_TYPE_ILTCG", 14L,
            "IMAGE_DEBUG_TYPE_MPX", 15L,
            "IMAGE_DEBUG_TYPE_REPRO", 16L,
            "IMPORT_DELAYED", 2L,
            "IMPORT_STANDARD", 1L,
            "IMPORT_ANY", -1L,
    };

    static final Type.Struct SCHEMA = build();

    private static Type.Struct certificate(Type.StructBuilder b) {
        return b.string("thumbprint").string("issuer").string("subject").integer("version").string("algorithm")
                .string("algorithm_oid").string("serial").integer("not_before").integer("not_after").build();
    }

    private static Type.Struct importDetails() {
        Type.Struct function = Type.struct().string("name").integer("ordinal").integer("rva").build();
        return Type.struct().string("library_name").integer("number_of_functions")
                .field("functions", new Type.Array(function)).build();
    }

    private static Type.Struct build() {
        Type.StructBuilder b = Type.struct();
        for (int i = 0; i < CONSTANTS.length; i += 2) {
            b.integer((String) CONSTANTS[i]);
        }
        Type.Struct version = Type.struct().integer("major").integer("minor").build();
        b.integer("is_pe").integer("machine").integer("number_of_sections").integer("timestamp")
                .integer("pointer_to_symbol_table").integer("number_of_symbols").integer("size_of_optional_header")
                .integer("characteristics").integer("entry_point").integer("entry_point_raw").integer("image_base")
                .integer("number_of_rva_and_sizes").integer("number_of_version_infos")
                .field("version_info", new Type.Dict(Type.STRING))
                .field("version_info_list", new Type.Array(Type.struct().string("key").string("value").build()))
                .integer("opthdr_magic").integer("size_of_code").integer("size_of_initialized_data")
                .integer("size_of_uninitialized_data").integer("base_of_code").integer("base_of_data")
                .integer("section_alignment").integer("file_alignment")
                .field("linker_version", version).field("os_version", version).field("image_version", version)
                .field("subsystem_version", version)
                .integer("win32_version_value").integer("size_of_image").integer("size_of_headers")
                .integer("checksum").function("calculate_checksum", "", Type.INTEGER)
                .integer("subsystem").integer("dll_characteristics").integer("size_of_stack_reserve")
                .integer("size_of_stack_commit").integer("size_of_heap_reserve").integer("size_of_heap_commit")
                .integer("loader_flags")
                .field("data_directories", new Type.Array(Type.struct().integer("virtual_address").integer("size")
                        .build()))
                .field("sections", new Type.Array(Type.struct().string("name").string("full_name")
                        .integer("characteristics").integer("virtual_address").integer("virtual_size")
                        .integer("raw_data_offset").integer("raw_data_size").integer("pointer_to_relocations")
                        .integer("pointer_to_line_numbers").integer("number_of_relocations")
                        .integer("number_of_line_numbers").build()))
                .field("overlay", Type.struct().integer("offset").integer("size").build())
                .field("rich_signature", Type.struct().integer("offset").integer("length").integer("key")
                        .string("raw_data").string("clear_data").string("version_data")
                        .function("version", "i", Type.INTEGER).function("version", "ii", Type.INTEGER)
                        .function("toolid", "i", Type.INTEGER).function("toolid", "ii", Type.INTEGER).build())
                .function("imphash", "", Type.STRING)
                .function("section_index", "s", Type.INTEGER).function("section_index", "i", Type.INTEGER)
                .function("exports", "s", Type.INTEGER).function("exports", "r", Type.INTEGER)
                .function("exports", "i", Type.INTEGER)
                .function("exports_index", "s", Type.INTEGER).function("exports_index", "i", Type.INTEGER)
                .function("exports_index", "r", Type.INTEGER)
                .function("imports", "ss", Type.INTEGER).function("imports", "si", Type.INTEGER)
                .function("imports", "s", Type.INTEGER).function("imports", "rr", Type.INTEGER)
                .function("imports", "iss", Type.INTEGER).function("imports", "isi", Type.INTEGER)
                .function("imports", "is", Type.INTEGER).function("imports", "irr", Type.INTEGER)
                .function("import_rva", "ss", Type.INTEGER).function("import_rva", "si", Type.INTEGER)
                .function("delayed_import_rva", "ss", Type.INTEGER).function("delayed_import_rva", "si", Type.INTEGER)
                .function("locale", "i", Type.INTEGER).function("language", "i", Type.INTEGER)
                .function("is_dll", "", Type.INTEGER).function("is_32bit", "", Type.INTEGER)
                .function("is_64bit", "", Type.INTEGER)
                .integer("number_of_imports").integer("number_of_imported_functions")
                .integer("number_of_delayed_imports").integer("number_of_delayed_imported_functions")
                .integer("number_of_exports").string("dll_name").integer("export_timestamp")
                .field("export_details", new Type.Array(Type.struct().integer("offset").string("name")
                        .string("forward_name").integer("ordinal").integer("rva").build()))
                .field("import_details", new Type.Array(importDetails()))
                .field("delayed_import_details", new Type.Array(importDetails()))
                .integer("resource_timestamp").field("resource_version", version)
                .field("resources", new Type.Array(Type.struct().integer("rva").integer("offset").integer("length")
                        .integer("type").integer("id").integer("language").string("type_string")
                        .string("name_string").string("language_string").build()))
                .integer("number_of_resources").string("pdb_path");
        Type.Struct cert = certificate(Type.struct());
        Type.Struct signerInfo = Type.struct().string("program_name").string("digest").string("digest_alg")
                .integer("length_of_chain").field("chain", new Type.Array(cert)).build();
        Type.Struct countersignature = Type.struct().integer("verified").integer("sign_time").string("digest_alg")
                .string("digest").integer("length_of_chain").field("chain", new Type.Array(cert)).build();
        Type.StructBuilder signature = Type.struct().string("thumbprint").string("issuer").string("subject")
                .integer("version").string("algorithm").string("algorithm_oid").string("serial")
                .integer("not_before").integer("not_after").integer("verified").string("digest_alg")
                .string("digest").string("file_digest").integer("number_of_certificates")
                .field("certificates", new Type.Array(cert)).field("signer_info", signerInfo)
                .integer("number_of_countersignatures")
                .field("countersignatures", new Type.Array(countersignature))
                .function("valid_on", "i", Type.INTEGER);
        b.field("signatures", new Type.Array(signature.build())).integer("is_signed").integer("number_of_signatures")
                .function("rva_to_offset", "i", Type.INTEGER);
        return b.build();
    }
}
