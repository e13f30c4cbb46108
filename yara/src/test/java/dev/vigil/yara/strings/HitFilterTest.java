package dev.vigil.yara.strings;

import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Skipping the atom hits a string's {@link HitFilter} rejects must not change its matches: the scan with filters
 * (windowed buffers with stale bytes after the valid part, as the engine passes them) is compared with the reference
 * driver, which verifies every hit. The data is drawn from the strings' own bytes so that near misses abound.
 */
class HitFilterTest {

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

    private static StringModifiers xor(boolean ascii, boolean wide, int min, int max) {
        return new StringModifiers(false, ascii, wide, false, false, true, min, max, false, null, false, null);
    }

    private static final List<StringDecl> DECLS = List.of(
            text("abcdab", StringModifiers.NONE),
            text("abacabad", mods(true, true, false, false)),
            text("abcab", mods(false, true, true, false)),
            text("abacad", mods(true, true, true, true)),
            text("abcdabc", xor(true, false, 0, 255)),
            text("abcdabc", xor(true, true, 1, 3)),
            text("ab", mods(false, true, true, true)),
            // wide atoms at a window of the wide bytes other than the first two characters, even and odd
            text("\0\0abc\0\0", mods(true, false, true, false)),
            text("  Ab  ", xor(true, true, 1, 3)),
            text("\0\0ER\0\0", mods(false, true, true, false)),
            pattern(StringDecl.Kind.HEX, "61 62 63 [2] 64 61 ?2", StringModifiers.NONE),
            pattern(StringDecl.Kind.HEX, "61 [1-3] 62 63 64 61 62 [0-2] 63", StringModifiers.NONE),
            pattern(StringDecl.Kind.HEX, "61 62 ?? 63 [4] 64 (61 | 62) 63", StringModifiers.NONE),
            pattern(StringDecl.Kind.HEX, "6? 62 [2-4] 61 62 63 64 [1] 61", StringModifiers.NONE),
            pattern(StringDecl.Kind.HEX, "61 62 63 64 [0-300] 61 61 62 62", StringModifiers.NONE),
            pattern(StringDecl.Kind.HEX, "61 62 63 [30-40] 64 64 61 [300-400] 62 62 63", StringModifiers.NONE),
            pattern(StringDecl.Kind.HEX, "00 00 00 00 01 [0-2] (61 | 41) [0-5] (62 | 42)", StringModifiers.NONE),
            pattern(StringDecl.Kind.HEX, "61 62 63 64 61", mods(false, true, true, true)),
            pattern(StringDecl.Kind.REGEX, "abcd[ab]{2}c", mods(false, true, false, false)),
            pattern(StringDecl.Kind.REGEX, "a[bc]+dabc\\x00", mods(false, true, false, true)),
            pattern(StringDecl.Kind.REGEX, "abc.{1,5}dab", mods(true, true, true, false)),
            pattern(StringDecl.Kind.REGEX, "\\x01\\s*abcd\\b[^\\x02]+", mods(true, true, false, false)));

    @Test
    void filteredScanFindsWhatTheReferenceFinds() {
        byte[] alphabet = "abcdABCD\0\1\2 ".getBytes(StandardCharsets.ISO_8859_1);
        int checked = 0;
        int rejected = 0;
        for (int seed = 1; seed <= 4; seed++) {
            Random r = new Random(seed);
            byte[] data = new byte[8_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = r.nextInt(40) == 0 ? (byte) r.nextInt(256) : alphabet[r.nextInt(alphabet.length)];
            }
            for (StringDecl d : DECLS) {
                CompiledString s = StringCompiler.compileString(d);
                plant(s, d, data, r);
                StringMatches expected = StringScanner.findAll(s, data);
                StringMatches actual = new StringMatches();
                List<byte[]> atoms = s.atoms();
                HitFilter[] filters = s.hitFilters();
                for (int a = 0; a < atoms.size(); a++) {
                    // the batch (which shares program walks between atoms) gives what each atom alone gives
                    assertThat(filters[a]).isEqualTo(s.hitFilter(a));
                }
                for (int pos = 0; pos < data.length; pos++) {
                    for (int a = 0; a < atoms.size(); a++) {
                        byte[] atom = atoms.get(a);
                        if (pos + atom.length > data.length
                                || !Arrays.equals(data, pos, pos + atom.length, atom, 0, atom.length)) {
                            continue;
                        }
                        int from = Math.max(0, pos - s.maxBack());
                        int to = (int) Math.min(data.length, (long) pos + s.maxForward());
                        // the engine's buffer: a window of the data, then stale bytes from an earlier fill
                        byte[] window = Arrays.copyOf(Arrays.copyOfRange(data, from, to), to - from + 16);
                        for (int i = to - from; i < window.length; i++) {
                            window[i] = alphabet[r.nextInt(alphabet.length)];
                        }
                        HitFilter f = filters[a];
                        checked++;
                        if (f != null && HitFilter.rejects(f.place(), f.mask(), f.value(), window, pos - from)) {
                            rejected++;
                            continue;
                        }
                        s.verify(a, window, from, to - from, data.length, pos - from, actual);
                    }
                }
                assertThat(dump(actual)).as(d.source() != null ? d.source() : new String(d.text()))
                        .isEqualTo(dump(expected));
            }
        }
        // the filters must do something, or this test proves nothing
        assertThat(rejected).isGreaterThan(checked / 4);
    }

    @Test
    void filtersStayWithinTheirWindow() {
        for (StringDecl d : DECLS) {
            CompiledString s = StringCompiler.compileString(d);
            for (int a = 0; a < s.atoms().size(); a++) {
                HitFilter f = s.hitFilter(a);
                if (f != null) {
                    assertThat(f.mask()).isNotZero();
                    assertThat(f.value() & ~f.mask()).isZero();
                    assertThat(f.offset()).isBetween(-HitFilter.REACH, HitFilter.REACH - 8);
                }
            }
        }
    }

    /** Writes a few matches of the string (its text or a random fill of the hex/regex source's bytes) into data. */
    private static void plant(CompiledString s, StringDecl d, byte[] data, Random r) {
        if (d.kind() != StringDecl.Kind.TEXT) {
            return;
        }
        byte[] t = d.text();
        StringModifiers m = d.modifiers();
        for (int n = 0; n < 12; n++) {
            int at = r.nextInt(data.length - 2 * t.length - 2);
            int key = m.xor() ? m.xorMin() + r.nextInt(m.xorMax() - m.xorMin() + 1) : 0;
            boolean w = m.wide() && (!m.ascii() || r.nextBoolean());
            for (int i = 0; i < t.length; i++) {
                byte c = (byte) (t[i] ^ key);
                if (m.nocase() && r.nextBoolean() && Character.isLetter(c)) {
                    c ^= 0x20;
                }
                if (w) {
                    data[at + 2 * i] = c;
                    data[at + 2 * i + 1] = (byte) key;
                } else {
                    data[at + i] = c;
                }
            }
            if (r.nextInt(3) == 0) {
                // a near miss: one byte changed
                data[at + r.nextInt(w ? 2 * t.length : t.length)] ^= (byte) (1 << r.nextInt(8));
            }
        }
    }

    private static List<String> dump(StringMatches m) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < m.count(); i++) {
            out.add(m.offset(i) + ":" + m.length(i) + ":" + m.xorKey(i));
        }
        return out;
    }
}
