package dev.vigil.engine.ir;

/** A body (extended, .ndb) signature: a byte pattern at an offset, for files of one target type. */
public record BodySignature(String name, int target, OffsetSpec offset, BodyPattern pattern) {
}
