package dev.vigil.cli;

import picocli.CommandLine;

import java.util.Locale;
import java.util.regex.Pattern;

/** clamscan's size arguments: digits with an optional K, M or G suffix (powers of 1024, either case). */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("([0-9]+)([KMGkmg]?)");

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        if (value == null) {
            throw new CommandLine.TypeConversionException("a size is required");
        }
        var m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a size (digits with an optional K, M or G suffix)");
        }
        long shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is too large");
        }
    }
}
