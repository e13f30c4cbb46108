package dev.vigil.clamav.ldb;

/**
 * Parse results by their source text, for fields that repeat across a database's lines: 45,000 logical signatures of
 * a large database use a few dozen distinct expressions and target descriptions, and one shared immutable object
 * each costs neither the parse nor the heap (about 10 MB of expression trees otherwise, which a daemon's reload holds
 * twice). Direct-mapped and bounded: a slot holds one entry and a colliding text replaces it. Entries are immutable
 * (final fields), so threads loading at the same time may share the cache without locks; at worst one parses again.
 */
final class TextCache<T> {
    /** Longer texts are parsed every time: the cache must stay small whatever a database holds. */
    static final int MAX_TEXT = 512;

    private record Entry<T>(String text, int variant, T value) {
    }

    private final Entry<T>[] slots;

    @SuppressWarnings("unchecked")
    TextCache(int sizePowerOfTwo) {
        if (Integer.bitCount(sizePowerOfTwo) != 1) {
            throw new IllegalArgumentException("size must be a power of two");
        }
        slots = (Entry<T>[]) new Entry<?>[sizePowerOfTwo];
    }

    /** The value stored for {@code text} parsed under {@code variant} (e.g. an engine level), or null. */
    T get(String text, int variant) {
        Entry<T> e = slots[slot(text, variant)];
        return e != null && e.variant == variant && e.text.equals(text) ? e.value : null;
    }

    /** Remembers a parse result; {@code value} must be immutable. */
    void put(String text, int variant, T value) {
        if (value != null && text.length() <= MAX_TEXT) {
            slots[slot(text, variant)] = new Entry<>(text, variant, value);
        }
    }

    private int slot(String text, int variant) {
        int h = text.hashCode() * 31 + variant;
        return (h ^ (h >>> 16)) & (slots.length - 1);
    }
}
