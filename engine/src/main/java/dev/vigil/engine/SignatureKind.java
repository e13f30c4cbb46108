package dev.vigil.engine;

/** The kind of signature that produced a detection. */
public enum SignatureKind {
    /** Whole-file hash (.hdb .hsb). */
    HASH,
    /** PE section hash (.mdb .msb). */
    SECTION_HASH,
    /** PE import-table hash (.imp). */
    IMPORT_HASH,
    /** Body pattern (.ndb). */
    BODY,
    /** Logical signature (.ldb). */
    LOGICAL,
    /** Container metadata (.cdb): an entry of a container matched by its name, sizes and flags. */
    CONTAINER_METADATA,
    /** YARA rule. */
    YARA,
    /** A heuristic alert raised by the engine itself (limits, encrypted archives, ...). */
    HEURISTIC
}
