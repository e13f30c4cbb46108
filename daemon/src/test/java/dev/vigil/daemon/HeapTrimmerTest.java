package dev.vigil.daemon;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** When the idle-time collection runs: after a quiet spell with a grown heap, or at once when the heap doubled. */
class HeapTrimmerTest {
    private static final long MIB = 1 << 20;
    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong activity = new AtomicLong();
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicLong committed = new AtomicLong(200 * MIB);
    private final AtomicInteger trims = new AtomicInteger();
    /** What the fake collection leaves: the heap back at this size. */
    private long afterTrim = 200 * MIB;
    private final HeapTrimmer trimmer = new HeapTrimmer(activity::get, busy::get, committed::get, () -> {
        trims.incrementAndGet();
        committed.set(afterTrim);
    });

    @Test
    void aGrownHeapIsTrimmedOnlyAfterAQuietSpell() {
        trimmer.tick(0);
        committed.set(260 * MIB);
        activity.incrementAndGet();
        assertThat(trimmer.tick(SECOND)).isFalse();
        assertThat(trimmer.tick(SECOND + HeapTrimmer.IDLE_NANOS - 1)).isFalse();
        assertThat(trimmer.tick(SECOND + HeapTrimmer.IDLE_NANOS)).isTrue();
        assertThat(committed.get()).isEqualTo(200 * MIB);
        // nothing grew since: no second collection however long it stays quiet
        assertThat(trimmer.tick(60 * SECOND)).isFalse();
        assertThat(trims.get()).isEqualTo(1);
    }

    @Test
    void aScanInProgressIsNotQuiet() {
        trimmer.tick(0);
        committed.set(260 * MIB);
        busy.set(1);
        assertThat(trimmer.tick(30 * SECOND)).isFalse();
        busy.set(0);
        assertThat(trimmer.tick(31 * SECOND)).isFalse();
        assertThat(trimmer.tick(31 * SECOND + HeapTrimmer.IDLE_NANOS)).isTrue();
    }

    @Test
    void smallGrowthIsLeftAlone() {
        trimmer.tick(0);
        committed.set(200 * MIB + 200 * MIB / 8 - 1);
        assertThat(trimmer.tick(60 * SECOND)).isFalse();
        committed.set(200 * MIB + 200 * MIB / 8);
        assertThat(trimmer.tick(61 * SECOND)).isTrue();
    }

    @Test
    void aDoubledHeapIsTrimmedEvenUnderLoad() {
        trimmer.tick(0);
        busy.set(10);
        committed.set(399 * MIB);
        activity.incrementAndGet();
        assertThat(trimmer.tick(SECOND)).isFalse();
        committed.set(400 * MIB);
        activity.incrementAndGet();
        assertThat(trimmer.tick(2 * SECOND)).isTrue();
    }

    @Test
    void aHeapThatStaysLargeBecomesTheNewBaseline() {
        afterTrim = 300 * MIB; // the live set grew: the collection cannot give it back
        trimmer.tick(0);
        committed.set(310 * MIB);
        assertThat(trimmer.tick(HeapTrimmer.IDLE_NANOS)).isTrue();
        assertThat(trimmer.tick(10 * HeapTrimmer.IDLE_NANOS)).isFalse();
        assertThat(trims.get()).isEqualTo(1);
    }

    @Test
    void aShrinkElsewhereLowersTheBaseline() {
        trimmer.tick(0);
        committed.set(100 * MIB); // a database load's own collection
        assertThat(trimmer.tick(SECOND)).isFalse();
        committed.set(100 * MIB + HeapTrimmer.MIN_GROWTH);
        assertThat(trimmer.tick(SECOND + HeapTrimmer.IDLE_NANOS)).isTrue();
    }

    @Test
    void clearingAPoolDropsItsArrays() {
        BufferPool pool = new BufferPool(64, 4);
        byte[] a = pool.take();
        byte[] b = pool.take();
        pool.give(a);
        pool.give(b);
        assertThat(pool.kept()).isEqualTo(2);
        pool.clear();
        assertThat(pool.kept()).isZero();
        assertThat(pool.take()).isNotSameAs(a).isNotSameAs(b);
    }
}
