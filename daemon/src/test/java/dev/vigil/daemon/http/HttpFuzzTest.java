package dev.vigil.daemon.http;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** Fuzz targets for the parsers of outside input in the HTTP API. Normal runs replay the seeds only. */
class HttpFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void multipart(byte[] body) {
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body), "fz", 1024);
        long total = 0;
        int parts = 0;
        try {
            for (MultipartReader.Part p; (p = r.next()) != null; ) {
                parts++;
                total += p.body().readAllBytes().length;
                assertThat(p.displayName()).isNotNull();
            }
            // delimiters, headers and at least one byte of framing each: the parts cannot outgrow the body
            assertThat(total).isLessThanOrEqualTo(body.length);
            assertThat(parts).isLessThanOrEqualTo(body.length / 4 + 1);
        } catch (MultipartException malformed) {
            // refused with a reason: fine
        } catch (IOException e) {
            throw new AssertionError("in-memory input cannot fail otherwise", e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void contentTypes(String text) {
        if (text == null) {
            return;
        }
        try {
            String boundary = MultipartReader.boundary(text);
            assertThat(boundary).hasSizeBetween(1, 70).doesNotEndWith(" ");
        } catch (MultipartException refused) {
            // fine
        }
    }

    @FuzzTest(maxDuration = "60s")
    void json(String text) {
        if (text == null) {
            return;
        }
        Object value;
        try {
            value = JsonReader.parse(text);
        } catch (JsonReader.JsonException refused) {
            return;
        }
        // what was read writes back to text that reads to the same value
        String again = Json.write(value);
        try {
            assertThat(JsonReader.parse(again)).isEqualTo(value);
        } catch (JsonReader.JsonException e) {
            throw new AssertionError("written JSON does not read back: " + again, e);
        }
    }
}
