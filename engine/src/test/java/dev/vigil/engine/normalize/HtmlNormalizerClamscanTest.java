package dev.vigil.engine.normalize;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test against the real clamscan: it is asked to keep its temporary files, and the nocomment.html /
 * notags.html it wrote for each input must equal ours byte for byte.
 */
class HtmlNormalizerClamscanTest {

    static Map<String, byte[]> cases() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("ent", b("<html><body>A&amp;B &Agrave; &Kcy; &nosuch; &#65;&#x4A;&#300;&#x3002; &#0; &#xZ &#12a "
                + "&lt;b&gt; &amp</body></html>"));
        m.put("utf8", cat(b("<html><body>caf"), new byte[] {(byte) 0xc3, (byte) 0xa9}, b(" x "),
                new byte[] {(byte) 0xe3, (byte) 0x80, (byte) 0x82, (byte) 0xa1, 'C', ' ', (byte) 0xa1, 'x',
                    (byte) 0xe9, (byte) 0xe9, (byte) 0xe9, (byte) 0xe9}, b(" end")));
        m.put("comment", b("<html><!-- a > b --> text <! x> more <script>var a='x'; <!-- c --> if (a<b) {}"
                + "</script > after"));
        m.put("attrs", b("<html><a href=\"http://EXAMPLE.com/X\" title='T'>Link</a> <img src=foo.png alt=\"a b c\">"
                + " <p class = x id=\"y z\">P</p><a HREF='q'>"));
        m.put("datauri", b("<html><img src=\"data:image/png;base64,iVBORw0KGgo=\" x=1>"
                + "<a href=data:text/plain,hello%20world%4>x</a><img src='data:,abc&#65;'>"));
        m.put("style", b("<html><style>body { background: url(x); }</style>after<STYLE>\n\n</Style>done"));
        m.put("nul", b("<html>\0<bo\0dy>hel\0lo\0\0 wor\0ld</body>"));
        m.put("whitespace", b("<html>\r\n\t<body>  a \r\n b\u000b\u000cc\u0001d\u001fe</body >\n\n"));
        m.put("screnc", b("<html><script language=\"JScript.Encode\">#@~^CAAAAA==v\u007fBVk\u007f}0HAAAA==^#~@"
                + "</script>x"));
        m.put("unterminated", b("<html><!-- never closed " + "a".repeat(100)));
        m.put("hugetag", b("<html><" + "x".repeat(20000) + " a=b>text"));
        m.put("chunks", b("<html>" + "word ".repeat(3000) + "<b>x</b>" + "y".repeat(9000) + " z &am" + "p; tail"));
        Random r = new Random(7);
        byte[] alphabet = b("<>!-/=&#;\"' \n\r\tabcxyzSCRIPTstyle\0\u0080ACDO:%,\\dat");
        alphabet = cat(alphabet, new byte[] {(byte) 0xe3, (byte) 0x82, (byte) 0xa1});
        for (int i = 0; i < 40; i++) {
            int n = 1 + r.nextInt(i % 3 == 0 ? 20000 : 3000);
            byte[] body = new byte[n];
            for (int j = 0; j < n; j++) {
                body[j] = alphabet[r.nextInt(alphabet.length)];
            }
            m.put("bytes" + i, cat(b("<html>"), body));
        }
        String[] tokens = {"<a href=\"x\">", "<script>", "</script>", "<style>", "</style>", "<!--", "-->", "&amp;",
            "&#x41;", "&#", "<img src=data:text/html;base64,PHNjcmlwdD4= >", " ", "\n", "text", "\u00c3\u00a9",
            "<%@ language=\"vbscript.encode\" %>", "#@~^AQAAAA==a^#~@", "<p title='a b'>", "\"", "'", ">", "<", "=",
            "\0", "<script language=jscript.encode>", "&nbsp;", "&#1234567;", "\r\n"};
        for (int i = 0; i < 40; i++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int n = 1 + r.nextInt(3000);
            for (int j = 0; j < n; j++) {
                body.writeBytes(tokens[r.nextInt(tokens.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
            m.put("tokens" + i, cat(b("<html>"), body.toByteArray()));
        }
        return m;
    }

    @Test
    void viewsEqualWhatClamscanWrites(@TempDir Path tmp) throws Exception {
        Oracles.assumeClamscan();
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path temps = Files.createDirectories(tmp.resolve("temps"));
        Path db = tmp.resolve("none.ndb");
        Files.writeString(db, "VigilNeverMatches:0:*:00112233445566778899aabbccddeeff00112233\n");
        Map<String, byte[]> cases = cases();
        for (var e : cases.entrySet()) {
            Files.write(in.resolve(e.getKey() + ".html"), e.getValue());
        }
        Process p = new ProcessBuilder(Oracles.CLAMSCAN, "--no-summary", "--leave-temps",
                "--tempdir=" + temps, "-d", db.toString(), "-r", in.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        Map<String, Path> dirs = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(temps)) {
            s.filter(f -> f.getFileName().toString().equals("nocomment.html")).forEach(f -> {
                Path htmlTmp = f.getParent();
                // clamscan names the per-file layer "<file name>.<random>", the html-tmp directory sits inside it
                String layer = htmlTmp.getParent().getFileName().toString();
                String name = layer.substring(0, layer.lastIndexOf('.'));
                if (name.endsWith(".html")) {
                    dirs.putIfAbsent(name, htmlTmp);
                }
            });
        }
        List<String> mismatches = new ArrayList<>();
        for (var e : cases.entrySet()) {
            Path dir = dirs.get(e.getKey() + ".html");
            assertThat(dir).as("clamscan HTML temp dir for " + e.getKey()).isNotNull();
            HtmlViews v = HtmlNormalizer.normalize(ScanInput.of(e.getValue()), 1 << 24);
            if (!java.util.Arrays.equals(v.noComment(), Files.readAllBytes(dir.resolve("nocomment.html")))) {
                mismatches.add(e.getKey() + " nocomment");
            }
            if (!java.util.Arrays.equals(v.noTags(), Files.readAllBytes(dir.resolve("notags.html")))) {
                mismatches.add(e.getKey() + " notags");
            }
            List<byte[]> theirs = new ArrayList<>();
            Path rfc = dir.resolve("rfc2397");
            if (Files.isDirectory(rfc)) {
                try (Stream<Path> s = Files.list(rfc)) {
                    for (Path f : s.toList()) {
                        theirs.add(Files.readAllBytes(f));
                    }
                }
            }
            if (!sameMultiset(v.dataUris(), theirs)) {
                mismatches.add(e.getKey() + " rfc2397");
            }
        }
        assertThat(mismatches).isEmpty();
    }

    private static boolean sameMultiset(List<byte[]> a, List<byte[]> b) {
        List<String> x = new ArrayList<>(a.stream().map(HtmlNormalizerClamscanTest::s).toList());
        List<String> y = new ArrayList<>(b.stream().map(HtmlNormalizerClamscanTest::s).toList());
        x.sort(null);
        y.sort(null);
        return x.equals(y);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
