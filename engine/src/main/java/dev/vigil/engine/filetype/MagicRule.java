package dev.vigil.engine.filetype;

import dev.vigil.engine.ir.BodyPattern;

/**
 * One file-type magic rule ({@code .ftm} line or built-in). Kind 0: {@code magic} bytes compared at {@code offset}.
 * Kind 1: {@code pattern} searched (offset {@code -1} means anywhere in the typing window). Kind 4: partition magic.
 * The rule applies only when the type found so far is {@code requiredType} ({@code CL_TYPE_ANY} = always) and
 * then sets {@code type}.
 */
public record MagicRule(int kind, long offset, byte[] magic, BodyPattern pattern, String description,
                        FileType requiredType, FileType type) {
}
