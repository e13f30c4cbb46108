package dev.vigil.daemon.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test's Prometheus reader refuses what the format forbids, and the server's metrics pass it. */
class PrometheusTextTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "x 1",                                        // no trailing line feed
            "x 1\n",                                      // no TYPE
            "# TYPE x counter\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n", // repeated series
            "# TYPE x counter\nx{a=1} 1\n",               // unquoted label
            "# TYPE x counter\nx{a=\"\\t\"} 1\n",         // bad escape
            "# TYPE x counter\nx one\n",                  // bad value
            "# TYPE 1x counter\n",                        // bad name
            "# TYPE x counter\n# TYPE x counter\n",       // TYPE twice
            "# TYPE x widget\n",                          // unknown type
            "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n", // decreasing
            "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", // no +Inf
            "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n", // count differs
    })
    void refusesBrokenText(String text) {
        assertThatThrownBy(() -> PrometheusText.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readsValidText() {
        PrometheusText.Exposition e = PrometheusText.parse("# HELP x a \\\\ help\n# TYPE x counter\n"
                + "x{a=\"q\\\"\\n\",b=\"\"} 3\n# TYPE h histogram\nh_bucket{le=\"0.5\"} 1\nh_bucket{le=\"+Inf\"} 2\n"
                + "h_sum 0.7\nh_count 2\n");
        assertThat(e.value("x", Map.of("a", "q\"\n", "b", ""))).isEqualTo(3);
        assertThat(e.value("h_count", Map.of())).isEqualTo(2);
    }

    @Test
    void metricsWithHostileDetectionNamesStayValid() {
        Metrics m = new Metrics(10);
        m.detected("quote\"back\\slash\nnewline");
        m.detected("Win.Test.EICAR_HDB-1");
        m.scanned("FOUND", 68, 1_500_000);
        m.scanned("OK", 10, 90_000_000_000L);
        m.request("/v1/scan", 200);
        m.reloaded(false);
        PrometheusText.Exposition e = PrometheusText.parse(m.exposition(true));
        assertThat(e.value("vigil_http_detections_total", Map.of("name", "quote\"back\\slash\nnewline")))
                .isEqualTo(1);
        assertThat(e.value("vigil_http_scan_duration_seconds_bucket", Map.of("le", "0.005"))).isEqualTo(1);
        assertThat(e.value("vigil_http_scan_duration_seconds_bucket", Map.of("le", "60"))).isEqualTo(1);
        assertThat(e.value("vigil_http_scan_duration_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(2);
        assertThat(e.value("vigil_http_scan_duration_seconds_sum", Map.of())).isEqualTo(90.0015);
        assertThat(e.value("vigil_reload_failures_total", Map.of())).isEqualTo(1);
    }

    @Test
    void detectionNamesAreCapped() {
        Metrics m = new Metrics(3);
        for (int i = 0; i < 100; i++) {
            m.detected("Name-" + i);
        }
        PrometheusText.Exposition e = PrometheusText.parse(m.exposition(true));
        assertThat(e.samples().get("vigil_http_detections_total")).hasSize(4);
        assertThat(e.value("vigil_http_detections_total", Map.of("name", Metrics.OTHER_NAME))).isEqualTo(97);
    }
}
