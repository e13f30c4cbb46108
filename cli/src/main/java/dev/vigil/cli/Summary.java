package dev.vigil.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** clamscan's "SCAN SUMMARY" block, field for field. */
final class Summary {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy:MM:dd HH:mm:ss", Locale.ROOT);

    private Summary() {
    }

    static String format(ScanStats s, String engineVersion, long elapsedMicros, Instant start, Instant end,
                         ZoneId zone) {
        StringBuilder b = new StringBuilder();
        b.append("\n----------- SCAN SUMMARY -----------\n");
        b.append("Known viruses: ").append(s.knownSignatures).append('\n');
        b.append("Engine version: ").append(engineVersion).append('\n');
        b.append("Scanned directories: ").append(s.directories).append('\n');
        b.append("Scanned files: ").append(s.files).append('\n');
        b.append("Infected files: ").append(s.infectedFiles).append('\n');
        if (s.errors > 0) {
            b.append("Total errors: ").append(s.errors).append('\n');
        }
        b.append(String.format(Locale.ROOT, "Data scanned: %2.2f MB%n", megabytes(s.scannedBlocks)));
        double ratio = s.readBlocks == 0 ? 0 : (double) s.scannedBlocks / s.readBlocks;
        b.append(String.format(Locale.ROOT, "Data read: %2.2f MB (ratio %.2f:1)%n", megabytes(s.readBlocks), ratio));
        b.append(time(elapsedMicros)).append('\n');
        b.append("Start Date: ").append(DATE.format(start.atZone(zone))).append('\n');
        b.append("End Date:   ").append(DATE.format(end.atZone(zone))).append('\n');
        return b.toString().replace(System.lineSeparator(), "\n");
    }

    static double megabytes(long blocks) {
        return blocks * (ScanStats.BLOCK / 1024) / 1024.0;
    }

    /** "Time: 1.234 sec (0 m 1 s)": whole seconds and truncated milliseconds, as clamscan prints them. */
    static String time(long elapsedMicros) {
        long seconds = elapsedMicros / 1_000_000;
        long millis = elapsedMicros % 1_000_000 / 1000;
        return String.format(Locale.ROOT, "Time: %d.%03d sec (%d m %d s)", seconds, millis, seconds / 60, seconds % 60);
    }
}
