package dev.vigil.cli;

import dev.vigil.yara.RuleMatch;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The lines {@code yara} 4.5.2 prints for a rule, byte for byte (everything it prints is ASCII except the file
 * path, which is printed as given).
 */
final class YaraOutput {
    /** yara prints at most this many bytes of a hex string's match, then {@code " ..."}. */
    private static final int HEX_PRINT_LIMIT = 64;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** What to print about each rule: yara's -e, -g, -m, -s, -L and -X. */
    record Detail(boolean namespace, boolean tags, boolean meta, boolean strings, boolean stringLength,
                  boolean xorKey) {
        static final Detail NONE = new Detail(false, false, false, false, false, false);

        boolean anyStringLines() {
            return strings || stringLength || xorKey;
        }
    }

    /** Tells whether a string of a rule was written as a hex string (printed as hex bytes by {@code -s}). */
    interface HexStrings {
        HexStrings NONE = (namespace, rule, identifier) -> false;

        boolean isHex(String namespace, String rule, String identifier);
    }

    private YaraOutput() {
    }

    /** {@code [ns:]NAME [tags] [meta] PATH} and a newline. */
    static void ruleLine(StringBuilder out, Detail d, String namespace, String name, List<String> tags,
                         List<RuleMatch.Meta> metadata, String path) {
        if (d.namespace()) {
            out.append(namespace).append(':');
        }
        out.append(name).append(' ');
        if (d.tags()) {
            out.append('[').append(String.join(",", tags)).append("] ");
        }
        if (d.meta()) {
            out.append('[');
            for (int i = 0; i < metadata.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                meta(out, metadata.get(i));
            }
            out.append("] ");
        }
        out.append(path).append('\n');
    }

    private static void meta(StringBuilder out, RuleMatch.Meta m) {
        Object v = m.value();
        if (v instanceof Long || v instanceof Integer) {
            // yara really prints a blank before '=' for integers only
            out.append(m.key()).append(" =").append(((Number) v).longValue());
        } else if (v instanceof Boolean b) {
            out.append(m.key()).append('=').append(b ? "true" : "false");
        } else {
            out.append(m.key()).append("=\"");
            escaped(out, metaBytes(String.valueOf(v)));
            out.append('"');
        }
    }

    /**
     * The bytes of a meta string. YARA strings are bytes; a String that holds only chars up to 0xFF is taken as
     * those bytes (Latin-1, the one lossless convention for {@code "\xff"}), anything else as UTF-8.
     */
    static byte[] metaBytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                return s.getBytes(StandardCharsets.UTF_8);
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One line per match of each string: {@code 0xOFF[:LEN]:$id[:xor(0xKK,plain)][: data]}. */
    static void stringLines(StringBuilder out, Detail d, RuleMatch rule, HexStrings hex) {
        if (!d.anyStringLines()) {
            return;
        }
        for (RuleMatch.StringMatch s : rule.strings()) {
            out.append("0x").append(Long.toHexString(s.offset()));
            if (d.stringLength()) {
                // the length of the data yara kept (at most 512 bytes), not of the whole match
                out.append(':').append(s.data().length);
            }
            out.append(':').append(s.identifier());
            if (d.xorKey()) {
                int key = Math.max(s.xorKey(), 0);
                // printf("%02x"): lower case here, unlike the data bytes
                out.append(":xor(0x").append(Character.toLowerCase(HEX[key >> 4 & 15]))
                        .append(Character.toLowerCase(HEX[key & 15])).append(',');
                printable(out, s.data(), key);
                out.append(')');
            }
            if (d.strings()) {
                out.append(": ");
                if (hex.isHex(rule.namespace(), rule.name(), s.identifier())) {
                    hexBytes(out, s.data());
                } else {
                    printable(out, s.data(), 0);
                }
            }
            out.append('\n');
        }
    }

    /** Printable ASCII as is, every other byte as {@code \xHH} (upper case), after xoring with {@code key}. */
    static void printable(StringBuilder out, byte[] data, int key) {
        for (byte b : data) {
            int c = (b ^ key) & 0xff;
            if (c >= 32 && c <= 126) {
                out.append((char) c);
            } else {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 15]);
            }
        }
    }

    /** Space-separated upper-case hex of the first 64 bytes, {@code " ..."} when there are more. */
    static void hexBytes(StringBuilder out, byte[] data) {
        int n = Math.min(HEX_PRINT_LIMIT, data.length);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(' ');
            }
            int c = data[i] & 0xff;
            out.append(HEX[c >> 4]).append(HEX[c & 15]);
        }
        if (data.length > HEX_PRINT_LIMIT) {
            out.append(" ...");
        }
    }

    /** Meta strings: C escapes for quotes, backslash and control characters, octal for the rest. */
    static void escaped(StringBuilder out, byte[] data) {
        for (byte b : data) {
            int c = b & 0xff;
            switch (c) {
                case '"', '\'', '\\' -> out.append('\\').append((char) c);
                case 7 -> out.append("\\a");
                case 8 -> out.append("\\b");
                case 9 -> out.append("\\t");
                case 10 -> out.append("\\n");
                case 11 -> out.append("\\v");
                case 12 -> out.append("\\f");
                case 13 -> out.append("\\r");
                default -> {
                    if (c >= 32 && c < 127) {
                        out.append((char) c);
                    } else {
                        out.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + (c >> 3 & 7)))
                                .append((char) ('0' + (c & 7)));
                    }
                }
            }
        }
    }
}
