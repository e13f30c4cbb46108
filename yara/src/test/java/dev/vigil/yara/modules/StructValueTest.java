package dev.vigil.yara.modules;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StructValueTest {

    @Test
    void lazyValueIsComputedOnFirstReadOnly() {
        AtomicInteger calls = new AtomicInteger();
        StructValue v = new StructValue().setLazy("digest", () -> {
            calls.incrementAndGet();
            return 7L;
        });
        assertThat(calls).hasValue(0);
        assertThat(v.get("digest")).isEqualTo(7L);
        assertThat(v.get("digest")).isEqualTo(7L);
        assertThat(calls).hasValue(1);
    }

    @Test
    void lazyNullIsUndefined() {
        AtomicInteger calls = new AtomicInteger();
        StructValue v = new StructValue().setLazy("file_digest", () -> {
            calls.incrementAndGet();
            return null;
        });
        assertThat(v.get("file_digest")).isNull();
        assertThat(v.get("file_digest")).isNull();
        assertThat(calls).hasValue(1);
    }
}
