package dev.vigil.yara.strings;

import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine calls verify with a buffer that holds only part of the data (maxBack before the atom, maxForward after
 * it) at some base offset. That must give the same matches as the whole buffer.
 */
class WindowedContractTest {

    private static StringDecl text(String s, StringModifiers m) {
        return new StringDecl("$a", StringDecl.Kind.TEXT, s.getBytes(StandardCharsets.ISO_8859_1), null, false, false, m,
                "t", 1, 1);
    }

    private static StringDecl pattern(StringDecl.Kind kind, String src, StringModifiers m) {
        return new StringDecl("$a", kind, null, src, false, false, m, "t", 1, 1);
    }

    private static StringModifiers mods(boolean nocase, boolean ascii, boolean wide, boolean fullword) {
        return new StringModifiers(nocase, ascii, wide, fullword, false, false, 0, 0, false, null, false, null);
    }

    @Test
    void windowsGiveTheSameMatchesAsTheWholeBuffer() {
        List<StringDecl> decls = List.of(
                text("abc", mods(true, true, true, true)),
                text("ab", new StringModifiers(false, true, true, true, false, true, 0, 255, false, null, false, null)),
                text("abcab", new StringModifiers(false, true, false, false, false, false, 0, 0, true, null, true,
                        null)),
                pattern(StringDecl.Kind.HEX, "61 [1-3] 62 ?? (63 | 61 62)", StringModifiers.NONE),
                pattern(StringDecl.Kind.HEX, "61 [250-300] 62", StringModifiers.NONE),
                pattern(StringDecl.Kind.HEX, "61 [-] 63", StringModifiers.NONE),
                pattern(StringDecl.Kind.REGEX, "^ab|c$|\\bb\\w+", mods(false, true, true, false)),
                pattern(StringDecl.Kind.REGEX, "a.*c", mods(false, true, true, true)),
                pattern(StringDecl.Kind.REGEX, "[a-c]{2,5}", mods(false, true, true, true)),
                pattern(StringDecl.Kind.REGEX, ".*", mods(false, true, false, false)));
        Random r = new Random(3);
        byte[] data = new byte[6000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) "abc \n\0ABC".charAt(r.nextInt(9));
        }
        for (StringDecl d : decls) {
            CompiledString s = StringCompiler.compileString(d);
            StringMatches whole = StringScanner.findAll(s, data);
            StringMatches windowed = new StringMatches();
            List<byte[]> atoms = s.atoms();
            for (int pos = 0; pos < data.length; pos++) {
                if (atoms.isEmpty()) {
                    callWindowed(s, data, pos, -1, windowed);
                    continue;
                }
                for (int a = 0; a < atoms.size(); a++) {
                    byte[] atom = atoms.get(a);
                    if (pos + atom.length <= data.length
                            && Arrays.equals(data, pos, pos + atom.length, atom, 0, atom.length)) {
                        callWindowed(s, data, pos, a, windowed);
                    }
                }
            }
            assertThat(dump(windowed)).as(d.source() != null ? d.source() : new String(d.text()))
                    .isEqualTo(dump(whole));
        }
    }

    private static void callWindowed(CompiledString s, byte[] data, int pos, int atom, StringMatches out) {
        int from = Math.max(0, pos - s.maxBack());
        int to = (int) Math.min(data.length, (long) pos + s.maxForward());
        byte[] window = Arrays.copyOfRange(data, from, to);
        s.verify(atom, window, from, window.length, data.length, pos - from, out);
    }

    private static String dump(StringMatches m) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < m.count(); i++) {
            b.append(m.offset(i)).append(':').append(m.length(i)).append(':').append(m.xorKey(i)).append(' ');
        }
        return b.toString();
    }
}
