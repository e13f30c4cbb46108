package dev.vigil.engine.ir;

/** What a hash signature is computed over. */
public enum HashScope {
    /** The whole scanned file (.hdb .hsb .fp .sfp). */
    FILE,
    /** The raw data of one PE section (.mdb .msb). */
    PE_SECTION,
    /** The PE import table (.imp). */
    PE_IMPORTS
}
