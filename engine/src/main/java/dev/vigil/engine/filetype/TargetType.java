package dev.vigil.engine.filetype;

/**
 * ClamAV's numeric signature targets ({@code Target:} / the ndb target field) and which file types they select.
 */
public final class TargetType {
    public static final int ANY = 0;
    public static final int PE = 1;
    public static final int OLE2 = 2;
    public static final int HTML = 3;
    public static final int MAIL = 4;
    public static final int GRAPHICS = 5;
    public static final int ELF = 6;
    public static final int ASCII = 7;
    public static final int MACHO = 9;
    public static final int PDF = 10;
    public static final int FLASH = 11;
    public static final int JAVA = 12;
    public static final int INTERNAL = 13;
    public static final int OTHER = 14;
    /** Targets at or above this are skipped by loaders, as ClamAV does. */
    public static final int LIMIT = 15;

    private TargetType() {
    }

    /**
     * The target whose signatures (besides target 0) apply when ClamAV scans data as this type, or -1 for none
     * (ClamAV's {@code cli_mtargets} table). Only {@code CL_TYPE_TEXT_ASCII} selects target 7 and only
     * {@code CL_TYPE_HTML} target 3: UTF-8/UTF-16 text and {@code CL_TYPE_HTML_UTF16} have no target of their own.
     */
    public static int of(FileType type) {
        return switch (type.name()) {
            case "CL_TYPE_MSEXE" -> PE;
            case "CL_TYPE_MSOLE2" -> OLE2;
            case "CL_TYPE_HTML" -> HTML;
            case "CL_TYPE_MAIL" -> MAIL;
            case "CL_TYPE_GRAPHICS", "CL_TYPE_GIF", "CL_TYPE_PNG", "CL_TYPE_JPEG", "CL_TYPE_TIFF" -> GRAPHICS;
            case "CL_TYPE_ELF" -> ELF;
            case "CL_TYPE_TEXT_ASCII" -> ASCII;
            case "CL_TYPE_MACHO", "CL_TYPE_MACHO_UNIBIN" -> MACHO;
            case "CL_TYPE_PDF" -> PDF;
            case "CL_TYPE_SWF" -> FLASH;
            case "CL_TYPE_JAVA" -> JAVA;
            case "CL_TYPE_INTERNAL" -> INTERNAL;
            case "CL_TYPE_OTHER" -> OTHER;
            default -> -1;
        };
    }

    /**
     * The target used by the raw scan of a file of this type. ClamAV scans the raw bytes of a
     * {@code CL_TYPE_TEXT_ASCII} file as {@code CL_TYPE_ANY} (target 0 only); target 7 signatures are matched against
     * the normalised text instead (see {@link #scansNormalisedText}).
     */
    public static int ofRawScan(FileType type) {
        return type.equals(FileType.TEXT_ASCII) ? -1 : of(type);
    }

    /**
     * Whether ClamAV also scans the normalised text of a file of this type, with targets 0 and 7: the four text
     * types, unless the raw scan recognised the file as HTML ({@code cli_scanscript}).
     */
    public static boolean scansNormalisedText(FileType type) {
        return switch (type.name()) {
            case "CL_TYPE_TEXT_ASCII", "CL_TYPE_TEXT_UTF8", "CL_TYPE_TEXT_UTF16LE", "CL_TYPE_TEXT_UTF16BE" -> true;
            default -> false;
        };
    }

    /** Targets that may use executable offsets ({@code EP}, {@code Sx}, {@code SL}, {@code SE}) and ranges. */
    public static boolean isExecutable(int target) {
        return target == PE || target == ELF || target == MACHO;
    }
}
