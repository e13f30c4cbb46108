package dev.vigil.yara.modules.elf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** elf.telfhash() and elf.import_md5(): hashes of the sorted, lower-cased names of selected symbols. */
final class SymbolHashes {

    private static final int STB_GLOBAL = 1;
    private static final int STT_FUNC = 2;
    private static final int STV_DEFAULT = 0;

    /** Names telfhash leaves out (after Trend Micro's reference implementation). */
    private static final Set<String> TELFHASH_EXCLUDED = Set.of("__libc_start_main", "main", "abort", "cachectl",
            "cacheflush", "puts", "atol", "malloc_trim");

    private SymbolHashes() {
    }

    /**
     * TLSH of the global, default-visibility function symbols, without compiler- and architecture-dependent
     * ones; the empty string when TLSH finds too little data, null (undefined) when no symbol qualifies.
     */
    static String telfhash(List<ElfParser.Symbol> symbols) {
        if (symbols == null) {
            return null;
        }
        List<byte[]> names = new ArrayList<>();
        for (ElfParser.Symbol s : symbols) {
            byte[] name = s.name();
            if (name == null || s.bind() != STB_GLOBAL || s.type() != STT_FUNC || s.visibility() != STV_DEFAULT) {
                continue;
            }
            String text = new String(name, StandardCharsets.ISO_8859_1);
            if (text.startsWith(".") || text.startsWith("_") || text.endsWith("64") || text.startsWith("str")
                    || text.startsWith("mem") || TELFHASH_EXCLUDED.contains(text)) {
                continue;
            }
            names.add(lowerAscii(name));
        }
        byte[] joined = sortAndJoin(names);
        return joined == null ? null : Tlsh.hash(joined);
    }

    /** MD5 of the imported (undefined, named) symbols; null when there is none. */
    static byte[] importMd5(List<ElfParser.Symbol> symbols) {
        if (symbols == null) {
            return null;
        }
        List<byte[]> names = new ArrayList<>();
        for (ElfParser.Symbol s : symbols) {
            if (s.name() != null && s.shndx() == 0 && s.name().length > 0) {
                names.add(lowerAscii(s.name()));
            }
        }
        byte[] joined = sortAndJoin(names);
        if (joined == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(joined);
            return HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides MD5", e);
        }
    }

    /** C's tolower in the "C" locale: only A-Z change. */
    private static byte[] lowerAscii(byte[] name) {
        byte[] out = name.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= 'A' && out[i] <= 'Z') {
                out[i] += 'a' - 'A';
            }
        }
        return out;
    }

    /** strcmp order (unsigned bytes), joined with commas; null when empty. */
    private static byte[] sortAndJoin(List<byte[]> names) {
        if (names.isEmpty()) {
            return null;
        }
        names.sort(Arrays::compareUnsigned);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(names.get(i));
        }
        return out.toByteArray();
    }
}
