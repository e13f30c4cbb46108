package dev.vigil.engine.filetype;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file type, named as ClamAV names them ({@code CL_TYPE_MSEXE}, ...). A value class rather than an enum so
 * that a database may name types this build does not know without failing to load.
 */
public record FileType(String name) {
    private static final Map<String, FileType> KNOWN = new ConcurrentHashMap<>();

    public static final FileType ANY = known("CL_TYPE_ANY");
    public static final FileType BINARY_DATA = known("CL_TYPE_BINARY_DATA");
    public static final FileType TEXT_ASCII = known("CL_TYPE_TEXT_ASCII");
    public static final FileType TEXT_UTF8 = known("CL_TYPE_TEXT_UTF8");
    public static final FileType TEXT_UTF16LE = known("CL_TYPE_TEXT_UTF16LE");
    public static final FileType TEXT_UTF16BE = known("CL_TYPE_TEXT_UTF16BE");
    public static final FileType MSEXE = known("CL_TYPE_MSEXE");
    public static final FileType ELF = known("CL_TYPE_ELF");
    public static final FileType MACHO = known("CL_TYPE_MACHO");
    public static final FileType MACHO_UNIBIN = known("CL_TYPE_MACHO_UNIBIN");
    public static final FileType MSOLE2 = known("CL_TYPE_MSOLE2");
    public static final FileType HTML = known("CL_TYPE_HTML");
    public static final FileType HTML_UTF16 = known("CL_TYPE_HTML_UTF16");
    public static final FileType MAIL = known("CL_TYPE_MAIL");
    public static final FileType GRAPHICS = known("CL_TYPE_GRAPHICS");
    public static final FileType GIF = known("CL_TYPE_GIF");
    public static final FileType PNG = known("CL_TYPE_PNG");
    public static final FileType JPEG = known("CL_TYPE_JPEG");
    public static final FileType TIFF = known("CL_TYPE_TIFF");
    public static final FileType PDF = known("CL_TYPE_PDF");
    public static final FileType SWF = known("CL_TYPE_SWF");
    public static final FileType JAVA = known("CL_TYPE_JAVA");
    public static final FileType ZIP = known("CL_TYPE_ZIP");
    public static final FileType GZ = known("CL_TYPE_GZ");
    public static final FileType BZ = known("CL_TYPE_BZ");
    public static final FileType ERROR = known("CL_TYPE_ERROR");
    public static final FileType IGNORED = known("CL_TYPE_IGNORED");
    public static final FileType POSIX_TAR = known("CL_TYPE_POSIX_TAR");
    public static final FileType OLD_TAR = known("CL_TYPE_OLD_TAR");
    public static final FileType MSCAB = known("CL_TYPE_MSCAB");
    public static final FileType RAR = known("CL_TYPE_RAR");
    public static final FileType SEVEN_ZIP = known("CL_TYPE_7Z");
    public static final FileType RTF = known("CL_TYPE_RTF");
    public static final FileType SCRIPT = known("CL_TYPE_SCRIPT");
    public static final FileType MBR = known("CL_TYPE_MBR");
    public static final FileType GPT = known("CL_TYPE_GPT");
    public static final FileType PART_ANY = known("CL_TYPE_PART_ANY");
    public static final FileType PART_HFSPLUS = known("CL_TYPE_PART_HFSPLUS");
    public static final FileType ZIPSFX = known("CL_TYPE_ZIPSFX");
    public static final FileType INTERNAL = known("CL_TYPE_INTERNAL");
    public static final FileType OTHER = known("CL_TYPE_OTHER");

    private static FileType known(String name) {
        FileType t = new FileType(name);
        KNOWN.put(name, t);
        return t;
    }

    public static FileType of(String name) {
        return KNOWN.computeIfAbsent(name, FileType::new);
    }

    @Override
    public String toString() {
        return name;
    }
}
