package dev.vigil.unpack;

/**
 * How a recursive scan behaves, with clamscan's option names.
 *
 * @param allMatch        report every detection ({@code --allmatch}); otherwise stop at the first one anywhere
 * @param scanArchives    look inside containers ({@code --scan-archive}, on by default)
 * @param alertExceedsMax raise {@code Heuristics.Limits.Exceeded.<Limit>} when a limit skips content
 *                        ({@code --alert-exceeds-max})
 * @param alertEncrypted  raise {@code Heuristics.Encrypted.<Format>} for encrypted entries ({@code --alert-encrypted})
 */
public record DeepScanOptions(boolean allMatch, boolean scanArchives, boolean alertExceedsMax,
                              boolean alertEncrypted) {

    public static final DeepScanOptions DEFAULT = new DeepScanOptions(false, true, false, false);

    public DeepScanOptions withAllMatch(boolean v) {
        return new DeepScanOptions(v, scanArchives, alertExceedsMax, alertEncrypted);
    }

    public DeepScanOptions withScanArchives(boolean v) {
        return new DeepScanOptions(allMatch, v, alertExceedsMax, alertEncrypted);
    }

    public DeepScanOptions withAlertExceedsMax(boolean v) {
        return new DeepScanOptions(allMatch, scanArchives, v, alertEncrypted);
    }

    public DeepScanOptions withAlertEncrypted(boolean v) {
        return new DeepScanOptions(allMatch, scanArchives, alertExceedsMax, v);
    }
}
