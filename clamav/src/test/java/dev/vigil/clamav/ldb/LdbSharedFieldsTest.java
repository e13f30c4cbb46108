package dev.vigil.clamav.ldb;

import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.ir.LogicalSignature;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lines that repeat an expression or target description share one parsed object, without changing results. */
class LdbSharedFieldsTest {
    private static final LoadOptions OPTIONS = LoadOptions.DEFAULT;

    @Test
    void repeatedExpressionAndTargetAreParsedOnceAndShared() throws Exception {
        LogicalSignature a = LdbParser.parse("A;Engine:51-255,Target:1;0&1;41424344;45464748", "A", OPTIONS);
        LogicalSignature b = LdbParser.parse("B;Engine:51-255,Target:1;0&1;51525354;55565758", "B", OPTIONS);
        assertThat(b.expression()).isSameAs(a.expression());
        assertThat(b.target()).isSameAs(a.target());
        LogicalSignature c = LdbParser.parse("C;Engine:51-255,Target:2;0|1;41424344;45464748", "C", OPTIONS);
        assertThat(c.expression()).isNotSameAs(a.expression());
        assertThat(c.expression().evaluate(new int[] {0, 1})).isTrue();
        assertThat(a.expression().evaluate(new int[] {0, 1})).isFalse();
        assertThat(c.target().target()).isEqualTo(2);
    }

    @Test
    void aTargetIsCachedPerEngineLevel() throws Exception {
        String line = "A;Engine:200-255,Target:1;0;41424344";
        assertThat(LdbParser.parse(line, "A", OPTIONS)).isNotNull();
        // the same target text is out of range for an older engine: skipped, whatever the cache holds
        LoadOptions old = new LoadOptions(false, 100, true);
        assertThat(LdbParser.parse(line, "A", old)).isNull();
        assertThat(LdbParser.parse(line, "A", OPTIONS)).isNotNull();
    }

    @Test
    void aBadExpressionFailsEveryTime() {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> LdbParser.parse("A;Engine:51-255,Target:1;0&&1;41424344;45464748", "A", OPTIONS))
                    .isInstanceOf(dev.vigil.clamav.SignatureSyntaxException.class);
        }
    }

    @Test
    void cacheKeepsOneEntryPerSlotAndSkipsLongTexts() {
        TextCache<String> cache = new TextCache<>(2);
        cache.put("x", 0, "X");
        assertThat(cache.get("x", 0)).isEqualTo("X");
        assertThat(cache.get("x", 1)).isNull();
        String longText = "0".repeat(TextCache.MAX_TEXT + 1);
        cache.put(longText, 0, "L");
        assertThat(cache.get(longText, 0)).isNull();
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, 0, "v" + i);
        }
        assertThat(cache.get("k99", 0)).isEqualTo("v99");
    }
}
