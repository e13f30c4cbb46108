package dev.vigil.yara;

import java.util.List;

/**
 * A rule that matched one scanned object, with what {@code yara} can print about it.
 *
 * @param namespace namespace of the rule ({@code "default"} unless given)
 * @param tags      tags in declaration order
 * @param metadata  meta entries in declaration order (values: String, Long or Boolean)
 * @param strings   every match of every non-private string, in declaration order then offset order
 */
public record RuleMatch(String namespace, String name, List<String> tags, List<Meta> metadata,
                        List<StringMatch> strings) {

    public record Meta(String key, Object value) {
    }

    /**
     * @param identifier the string's identifier with {@code $}
     * @param data       the matched bytes, at most 512 (YARA keeps no more); {@code length} is the full length
     * @param xorKey     the key of an {@code xor} string's match, or -1
     */
    public record StringMatch(String identifier, long offset, int length, byte[] data, int xorKey) {
    }
}
