package dev.vigil.engine;

/**
 * One detection: the signature's name as it is reported, its kind, and the offset of the match in the scanned data
 * ({@code -1} where the signature has no offset, such as a hash).
 */
public record Detection(String name, SignatureKind kind, long offset) {
}
