package dev.vigil.cli;

import picocli.CommandLine;

import java.util.Locale;

/** clamscan's boolean option values: {@code --recursive=yes}, {@code --recursive=no} (also true/false). */
final class YesNoConverter implements CommandLine.ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "true" -> true;
            case "no", "false" -> false;
            default -> throw new CommandLine.TypeConversionException("'" + value + "' is not yes or no");
        };
    }
}
