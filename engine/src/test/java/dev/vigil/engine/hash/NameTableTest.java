package dev.vigil.engine.hash;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class NameTableTest {

    @Test
    void namesSurviveBlockBoundariesOversizedNamesAndTrim() {
        Random random = new Random(3);
        NameTable table = new NameTable();
        List<String> expected = new ArrayList<>();
        byte[] suffix = ".UNOFFICIAL".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 60_000; i++) {
            // mostly short names, a few longer than a block
            int length = i % 20_000 == 7 ? 300_000 + i : 1 + random.nextInt(40);
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < length; k++) {
                sb.append((char) ('A' + random.nextInt(26)));
            }
            String name = sb.toString();
            if (i % 3 == 0) {
                byte[] line = ("xx:" + name + ":yy").getBytes(StandardCharsets.US_ASCII);
                assertThat(table.add(line, 3, 3 + name.length(), suffix)).isEqualTo(i);
                expected.add(name + ".UNOFFICIAL");
            } else {
                assertThat(table.add(name)).isEqualTo(i);
                expected.add(name);
            }
            if (i == 30_000) {
                table.trim(); // adding after a trim goes on working
            }
        }
        table.trim();
        assertThat(table.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(table.get(i)).isEqualTo(expected.get(i));
        }
    }

    @Test
    void nonAsciiNamesRoundTrip() {
        NameTable table = new NameTable();
        int a = table.add("Win.Trojan.Ünïcode-1");
        int b = table.add("");
        assertThat(table.get(a)).isEqualTo("Win.Trojan.Ünïcode-1");
        assertThat(table.get(b)).isEmpty();
    }
}
