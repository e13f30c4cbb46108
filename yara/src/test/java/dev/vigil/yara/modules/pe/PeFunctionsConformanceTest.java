package dev.vigil.yara.modules.pe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.strings.YaraRegex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The pe module's functions give what YARA's give: for each file, calls with arguments taken from the file's own
 * values (and a few edge values) are printed through YARA's console module and compared with our results.
 * Regular-expression overloads are not covered here (they need the regex engine).
 */
class PeFunctionsConformanceTest {
    @TempDir
    Path temp;

    static Stream<Path> files() throws Exception {
        List<Path> all = new ArrayList<>(PeDumpConformanceTest.files().toList());
        return all.stream().filter(p -> !p.toString().contains("/nsis/Contrib/")).limit(80);
    }

    /** One call: the YARA expression, and how to make the same call on our values. */
    record Call(String expression, StructValue owner, String function, int overload, Object... arguments) {
    }

    static String literal(byte[] s) {
        StringBuilder b = new StringBuilder("\"");
        for (byte x : s) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.append('"').toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        return o instanceof List<?> l ? (List<Object>) l : List.of();
    }

    static List<Call> calls(StructValue pe) {
        List<Call> calls = new ArrayList<>();
        for (String f : List.of("imphash", "is_dll", "is_32bit", "is_64bit", "calculate_checksum")) {
            calls.add(new Call("pe." + f + "()", pe, f, 0));
        }
        List<Long> rvas = new ArrayList<>(List.of(0L, 0x1000L, -1L, 0x100000005L, 0x200L));
        if (pe.get("entry_point_raw") instanceof Long ep) {
            rvas.add(ep);
            rvas.add(ep + 0x10000);
        }
        List<Object> sections = list(pe.get("sections"));
        for (int i = 0; i < Math.min(3, sections.size()); i++) {
            StructValue s = (StructValue) sections.get(i);
            rvas.add((Long) s.get("virtual_address") + 3);
            calls.add(new Call("pe.section_index(" + literal((byte[]) s.get("name")) + ")", pe, "section_index", 0,
                    s.get("name")));
            long offset = (Long) s.get("raw_data_offset") + 1;
            calls.add(new Call("pe.section_index(" + offset + ")", pe, "section_index", 1, offset));
        }
        calls.add(new Call("pe.section_index(\".nosuch\")", pe, "section_index", 0, bytes(".nosuch")));
        for (long rva : rvas) {
            calls.add(new Call("pe.rva_to_offset(" + rva + ")", pe, "rva_to_offset", 0, rva));
        }
        List<Object> exports = list(pe.get("export_details"));
        List<byte[]> names = new ArrayList<>(List.of(bytes("nosuchexport")));
        List<Long> ordinals = new ArrayList<>(List.of(0L, 1L, 2L, (long) exports.size(), exports.size() + 1L));
        for (int i = 0; i < Math.min(3, exports.size()); i++) {
            StructValue e = (StructValue) exports.get(i);
            if (e.get("name") instanceof byte[] n) {
                names.add(n);
                names.add(new String(n, StandardCharsets.ISO_8859_1).toUpperCase().getBytes(StandardCharsets.ISO_8859_1));
            }
            ordinals.add((Long) e.get("ordinal"));
        }
        for (byte[] n : names) {
            calls.add(new Call("pe.exports(" + literal(n) + ")", pe, "exports", 0, n));
            calls.add(new Call("pe.exports_index(" + literal(n) + ")", pe, "exports_index", 0, n));
        }
        for (Regex r : regexes(names)) {
            calls.add(new Call("pe.exports(" + r.text() + ")", pe, "exports", 1, r.compiled()));
            calls.add(new Call("pe.exports_index(" + r.text() + ")", pe, "exports_index", 2, r.compiled()));
        }
        for (long o : ordinals) {
            calls.add(new Call("pe.exports(" + o + ")", pe, "exports", 2, o));
            calls.add(new Call("pe.exports_index(" + o + ")", pe, "exports_index", 1, o));
        }
        importCalls(pe, calls, "import_details", "import_rva");
        importCalls(pe, calls, "delayed_import_details", "delayed_import_rva");
        for (long l : List.of(0L, 1033L, 2052L, 0xadffL)) {
            calls.add(new Call("pe.locale(" + l + ")", pe, "locale", 0, l));
        }
        for (long l : List.of(0L, 9L, 4L, 0xffL)) {
            calls.add(new Call("pe.language(" + l + ")", pe, "language", 0, l));
        }
        StructValue rich = (StructValue) pe.get("rich_signature");
        List<long[]> tools = new ArrayList<>(List.of(new long[] {0, 0}, new long[] {30729, 147}));
        if (rich.get("clear_data") instanceof byte[] clear && clear.length >= 24) {
            long id = PeImage.u32(clear, 16);
            tools.add(new long[] {id & 0xffff, id >>> 16});
        }
        for (long[] t : tools) {
            calls.add(new Call("pe.rich_signature.version(" + t[0] + ")", rich, "version", 0, t[0]));
            calls.add(new Call("pe.rich_signature.version(" + t[0] + "," + t[1] + ")", rich, "version", 1, t[0], t[1]));
            calls.add(new Call("pe.rich_signature.toolid(" + t[1] + ")", rich, "toolid", 0, t[1]));
            calls.add(new Call("pe.rich_signature.toolid(" + t[1] + "," + t[0] + ")", rich, "toolid", 1, t[1], t[0]));
        }
        List<Object> signatures = list(pe.get("signatures"));
        for (int i = 0; i < signatures.size(); i++) {
            StructValue s = (StructValue) signatures.get(i);
            List<Long> times = new ArrayList<>(List.of(0L, 1700000000L));
            if (s.get("not_before") instanceof Long nb) {
                times.add(nb);
                times.add(nb - 1);
            }
            for (long t : times) {
                calls.add(new Call("pe.signatures[" + i + "].valid_on(" + t + ")", s, "valid_on", 0, t));
            }
        }
        return calls;
    }

    /** A regular expression argument: its YARA text and the compiled form our functions take. */
    record Regex(String text, YaraRegex compiled) {
        static Regex of(String source, boolean nocase) {
            return new Regex("/" + source + "/" + (nocase ? "i" : ""), YaraRegex.compile(source, nocase, false));
        }
    }

    /** Patterns that cannot match the empty string: a name's first characters anchored, a middle part, none. */
    static List<Regex> regexes(List<byte[]> names) {
        List<Regex> out = new ArrayList<>(List.of(Regex.of("nosuch", false), Regex.of("[a-z]", false)));
        for (byte[] n : names.subList(0, Math.min(3, names.size()))) {
            String s = new String(n, StandardCharsets.ISO_8859_1);
            String prefix = quote(s.substring(0, Math.min(4, s.length())));
            if (!prefix.isEmpty()) {
                out.add(Regex.of("^" + prefix, false));
                out.add(Regex.of(prefix.toUpperCase(), true));
            }
        }
        return out;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 0x80) {
                b.append(c);
            } else {
                b.append(String.format("\\x%02x", (int) c));
            }
        }
        return b.toString();
    }

    private static void importCalls(StructValue pe, List<Call> calls, String table, String rvaFunction) {
        boolean delayed = table.startsWith("delayed");
        List<Object> dlls = list(pe.get(table));
        List<byte[]> dllNames = new ArrayList<>(List.of(bytes("nosuch.dll")));
        List<byte[][]> functions = new ArrayList<>();
        List<Object[]> byOrdinal = new ArrayList<>();
        for (int i = 0; i < Math.min(3, dlls.size()); i++) {
            StructValue d = (StructValue) dlls.get(i);
            byte[] dll = (byte[]) d.get("library_name");
            dllNames.add(dll);
            dllNames.add(new String(dll, StandardCharsets.ISO_8859_1).toUpperCase().getBytes(StandardCharsets.ISO_8859_1));
            List<Object> fs = list(d.get("functions"));
            for (int j = 0; j < Math.min(2, fs.size()); j++) {
                StructValue f = (StructValue) fs.get(j);
                if (f.get("name") instanceof byte[] n) {
                    functions.add(new byte[][] {dll, n});
                }
                if (f.get("ordinal") instanceof Long o) {
                    byOrdinal.add(new Object[] {dll, o});
                }
            }
            byOrdinal.add(new Object[] {dll, 1L});
        }
        functions.add(new byte[][] {bytes("kernel32.dll"), bytes("nosuchfunction")});
        for (byte[] dll : dllNames) {
            if (!delayed) {
                calls.add(new Call("pe.imports(" + literal(dll) + ")", pe, "imports", 2, dll));
            }
            for (long flags : List.of(1L, 2L, 3L)) {
                calls.add(new Call("pe.imports(" + flags + "," + literal(dll) + ")", pe, "imports", 6, flags, dll));
            }
        }
        for (byte[][] f : functions) {
            String args = literal(f[0]) + "," + literal(f[1]);
            if (!delayed) {
                calls.add(new Call("pe.imports(" + args + ")", pe, "imports", 0, f[0], f[1]));
            }
            for (long flags : List.of(1L, 2L, 3L)) {
                calls.add(new Call("pe.imports(" + flags + "," + args + ")", pe, "imports", 4, flags, f[0], f[1]));
            }
            calls.add(new Call("pe." + rvaFunction + "(" + args + ")", pe, rvaFunction, 0, f[0], f[1]));
        }
        List<byte[]> fnNames = new ArrayList<>();
        for (byte[][] f : functions) {
            fnNames.add(f[1]);
        }
        List<Regex> dllRegexes = regexes(dllNames.subList(Math.min(1, dllNames.size()), dllNames.size()));
        List<Regex> fnRegexes = regexes(fnNames);
        for (int i = 0; i < dllRegexes.size(); i++) {
            Regex d = dllRegexes.get(i);
            Regex f = fnRegexes.get(i % fnRegexes.size());
            String args = d.text() + "," + f.text();
            if (!delayed) {
                calls.add(new Call("pe.imports(" + args + ")", pe, "imports", 3, d.compiled(), f.compiled()));
            }
            calls.add(new Call("pe.imports(" + (delayed ? 2 : 3) + "," + args + ")", pe, "imports", 7,
                    delayed ? 2L : 3L, d.compiled(), f.compiled()));
        }
        for (Object[] o : byOrdinal) {
            String args = literal((byte[]) o[0]) + "," + o[1];
            if (!delayed) {
                calls.add(new Call("pe.imports(" + args + ")", pe, "imports", 1, o[0], o[1]));
            }
            calls.add(new Call("pe.imports(3," + args + ")", pe, "imports", 5, 3L, o[0], o[1]));
            calls.add(new Call("pe." + rvaFunction + "(" + args + ")", pe, rvaFunction, 1, o[0], o[1]));
        }
    }

    @ParameterizedTest
    @MethodSource("files")
    void sameResultsAsYara(Path file) throws Exception {
        compare(file, Files.readAllBytes(file));
    }

    static Stream<PeMutationConformanceTest.Mutant> mutants() {
        return PeMutationConformanceTest.mutants().filter(m -> m.seed() % 3 == 0);
    }

    @ParameterizedTest
    @MethodSource("mutants")
    void sameResultsOnDamagedFiles(PeMutationConformanceTest.Mutant m) throws Exception {
        byte[] data = PeMutationConformanceTest.mutate(Files.readAllBytes(Path.of(m.name())), m.seed());
        Path file = temp.resolve("mutant");
        Files.write(file, data);
        compare(file, data);
    }

    private void compare(Path file, byte[] data) throws Exception {
        YaraOracle.assumePresent();
        StructValue pe = PeModule.load(data);
        List<Call> calls = calls(pe);
        StringBuilder rules = new StringBuilder("import \"pe\"\nimport \"console\"\n");
        List<String> expectedOurs = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            rules.append("rule f").append(i).append(" { condition: console.log(\"f").append(i).append("=\", ")
                    .append(c.expression()).append(") or true }\n");
            Object result = ((ModuleFunction) c.owner().get(c.function())).call(c.overload(), c.arguments());
            if (result instanceof Long l) {
                expectedOurs.add("f" + i + "=" + l + "  " + c.expression());
            } else if (result instanceof byte[] b) {
                expectedOurs.add("f" + i + "=" + new String(b, StandardCharsets.ISO_8859_1) + "  " + c.expression());
            }
        }
        Path rule = temp.resolve("functions.yar");
        Files.writeString(rule, rules.toString(), StandardCharsets.ISO_8859_1);
        String out = YaraOracle.run(List.of(rule.toString(), file.toString()));
        List<String> yara = new ArrayList<>();
        int matched = 0;
        for (String line : out.split("\n")) {
            if (line.matches("f\\d+ .*")) {
                matched++;
            }
            int eq = line.indexOf('=');
            if (line.startsWith("f") && eq > 0 && line.substring(1, eq).chars().allMatch(Character::isDigit)) {
                yara.add(line + "  " + calls.get(Integer.parseInt(line.substring(1, eq))).expression());
            }
        }
        assertThat(matched).as("yara compiled and ran every rule").isEqualTo(calls.size());
        assertThat(expectedOurs).as(file.toString()).containsExactlyInAnyOrderElementsOf(yara);
    }
}
