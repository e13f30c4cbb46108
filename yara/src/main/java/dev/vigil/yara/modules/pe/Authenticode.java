package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.StructValue;

/** Authenticode signatures in the security directory. */
final class Authenticode {
    private Authenticode() {
    }

    static void parse(PeImage pe, StructValue out) {
        out.set("number_of_signatures", 0L).set("is_signed", 0L);
    }
}
