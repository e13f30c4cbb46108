package dev.vigil.updates.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LineSignatureNamesTest {
    @TempDir
    Path dir;

    private java.util.Set<String> names(String file, String text) throws Exception {
        Path p = dir.resolve("artifact.tmp");
        Files.writeString(p, text, StandardCharsets.ISO_8859_1);
        java.util.Set<String> fromFile = new LineSignatureNames().names(file, p);
        assertThat(LineSignatureNames.names(file, text.getBytes(StandardCharsets.ISO_8859_1))).isEqualTo(fromFile);
        return fromFile;
    }

    @Test
    void clamAvLineFormats() throws Exception {
        assertThat(names("x.hdb", "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test:73\n\n")).containsExactly("Eicar-Test");
        assertThat(names("x.msb", "1024:aabb:Win.Section:51\n")).containsExactly("Win.Section");
        assertThat(names("x.ndb", "Win.Trojan.A:1:EP+0:aabb\r\nWin.Trojan.B:0:*:ccdd\n")).containsExactly("Win.Trojan.A", "Win.Trojan.B");
        assertThat(names("x.ldb", "Logical.One;Engine:51-255,Target:1;0;aabb\n")).containsExactly("Logical.One");
        assertThat(names("x.db", "Old.Style=aabbcc\n")).containsExactly("Old.Style");
        assertThat(names("x.ign2", "Eicar-Test\n# comment\n")).containsExactly("Eicar-Test");
        assertThat(names("x.ftm", "0:0:4d5a:Magic.Name:CL_TYPE_ANY:CL_TYPE_MSEXE\n")).containsExactly("Magic.Name");
        assertThat(names("x.cfg", "DCONF:whatever\n")).isNull();
    }

    @Test
    void yaraRuleNamesLineByLine() throws Exception {
        String rules = "import \"pe\"\nrule one { condition: true }\n  private global rule two\n{\n condition: one\n}\n"
                + "global rule three : tag { condition: true }\n// rule not_at_line_start is skipped\n";
        assertThat(names("set.yar", rules)).containsExactly("one", "three", "two");
    }
}
