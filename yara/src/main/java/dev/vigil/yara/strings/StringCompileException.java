package dev.vigil.yara.strings;

/** A string YARA would refuse to compile; the message follows YARA's wording (without the identifier prefix). */
public final class StringCompileException extends RuntimeException {

    public StringCompileException(String message) {
        super(message);
    }
}
