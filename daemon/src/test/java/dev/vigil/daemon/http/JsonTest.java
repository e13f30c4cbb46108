package dev.vigil.daemon.http;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void writesAndReadsBack() throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"\\\n\t\u0001\u007f é 😀");
        m.put("n", 42L);
        m.put("d", 1.5);
        m.put("b", true);
        m.put("z", null);
        m.put("l", Arrays.asList(1, "x", null, List.of()));
        String text = Json.write(m);
        assertThat(text).doesNotContain("\n").contains("\\u0001").contains("\\u007f");
        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) JsonReader.parse(text);
        assertThat(back.get("s")).isEqualTo(m.get("s"));
        assertThat(back.get("n")).isEqualTo(new BigDecimal(42));
        assertThat(back.get("d")).isEqualTo(new BigDecimal("1.5"));
        assertThat(back).containsEntry("b", true).containsEntry("z", null);
        assertThat(Json.write(back)).isEqualTo(text);
    }

    @Test
    void loneSurrogatesAreEscaped() {
        assertThat(Json.write("a\ud800b")).isEqualTo("\"a\\ud800b\"");
        assertThat(Json.write("\udc00")).isEqualTo("\"\\udc00\"");
        assertThat(Json.string(new StringBuilder(), null)).hasToString("null");
    }

    @Test
    void refusesMalformedText() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", "-", "\"\u0001\"",
                "\"\\x\"", "\"\\u12\"", "tru", "nul", "1 2", "{\"a\":1,\"a\":2}", "[" .repeat(200) + "]".repeat(200),
                "1e99999", "{1:2}", "\"open")) {
            assertThatThrownBy(() -> JsonReader.parse(bad)).as(bad).isInstanceOf(JsonReader.JsonException.class);
        }
    }

    @Test
    void acceptsTheGrammar() throws Exception {
        assertThat(JsonReader.parse(" [ -0.5e+3 , 0 , \"\\/\\b\\f\\u00e9\" , {} ] ")).isEqualTo(
                List.of(new BigDecimal("-0.5e+3"), BigDecimal.ZERO, "/\b\fé", Map.of()));
    }
}
