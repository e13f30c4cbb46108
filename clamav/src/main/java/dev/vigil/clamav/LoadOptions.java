package dev.vigil.clamav;

/**
 * How databases are loaded.
 *
 * @param detectPua     load the PUA variants ({@code .hdu .hsu .mdu .msu .ndu .ldu}), as {@code --detect-pua}
 * @param engineLevel   the functionality level (FLEVEL) signatures are filtered against
 * @param verifySigned  verify the digital signatures of {@code .cvd}/{@code .cld} containers
 */
public record LoadOptions(boolean detectPua, int engineLevel, boolean verifySigned) {
    /** The FLEVEL of ClamAV 1.4.x, the reference this build is compared with. */
    public static final int CLAMAV_1_4_FLEVEL = 216;

    public static final LoadOptions DEFAULT = new LoadOptions(false, CLAMAV_1_4_FLEVEL, true);

    public LoadOptions withDetectPua(boolean v) {
        return new LoadOptions(v, engineLevel, verifySigned);
    }
}
