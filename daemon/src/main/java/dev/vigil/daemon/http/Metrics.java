package dev.vigil.daemon.http;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the HTTP API, written in the Prometheus text exposition format (version 0.0.4). Detection names are
 * outside input (they come from the loaded databases), so at most {@code maxDetectionNames} distinct names get their
 * own series; any further name is counted under {@value #OTHER_NAME}, which bounds the exposition's size.
 */
final class Metrics {
    static final String OTHER_NAME = "_other";
    /** Upper bounds of the scan latency histogram buckets, in seconds. */
    static final double[] LATENCY_BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    static final String[] STATUSES = {"OK", "FOUND", "ERROR"};

    private final int maxDetectionNames;
    private final LongAdder[] scans = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder bytesScanned = new LongAdder();
    private final Map<String, LongAdder> detections = new ConcurrentHashMap<>();
    private final LongAdder otherDetections = new LongAdder();
    private final AtomicLongArray latencyBuckets = new AtomicLongArray(LATENCY_BUCKETS.length);
    private final AtomicLong latencyCount = new AtomicLong();
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder reloads = new LongAdder();
    private final LongAdder reloadFailures = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();

    Metrics(int maxDetectionNames) {
        this.maxDetectionNames = maxDetectionNames;
    }

    void scanned(String status, long bytes, long nanos) {
        for (int i = 0; i < STATUSES.length; i++) {
            if (STATUSES[i].equals(status)) {
                scans[i].increment();
            }
        }
        bytesScanned.add(bytes);
        double seconds = nanos / 1e9;
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            if (seconds <= LATENCY_BUCKETS[i]) {
                latencyBuckets.incrementAndGet(i); // buckets are written cumulative, so count the first one only
                break;
            }
        }
        latencyNanos.add(nanos);
        latencyCount.incrementAndGet();
    }

    void detected(String name) {
        LongAdder a = detections.get(name);
        if (a == null) {
            // The check and the insert race a little; the cap may be passed by as many names as there are threads.
            if (detections.size() >= maxDetectionNames) {
                otherDetections.increment();
                return;
            }
            a = detections.computeIfAbsent(name, k -> new LongAdder());
        }
        a.increment();
    }

    void reloaded(boolean ok) {
        reloads.increment();
        if (!ok) {
            reloadFailures.increment();
        }
    }

    void scanStarted() {
        inFlight.incrementAndGet();
    }

    void scanEnded() {
        inFlight.decrementAndGet();
    }

    /** Counts one answered request; {@code route} comes from the route table (or "unknown"), so it is bounded. */
    void request(String route, int code) {
        requests.computeIfAbsent(route + "\u0000" + code, k -> new LongAdder()).increment();
    }

    String exposition(boolean databaseLoaded) {
        StringBuilder b = new StringBuilder(4096);
        family(b, "vigil_http_scans_total", "counter", "Files scanned through the HTTP API, by verdict.");
        for (int i = 0; i < STATUSES.length; i++) {
            sample(b, "vigil_http_scans_total", "status", STATUSES[i], scans[i].sum());
        }
        family(b, "vigil_http_scanned_bytes_total", "counter", "Bytes of files scanned through the HTTP API.");
        sample(b, "vigil_http_scanned_bytes_total", null, null, bytesScanned.sum());
        family(b, "vigil_http_detections_total", "counter", "Detections by signature name (at most "
                + maxDetectionNames + " names; further names are counted as " + OTHER_NAME + ").");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(detections).entrySet()) {
            sample(b, "vigil_http_detections_total", "name", e.getKey(), e.getValue().sum());
        }
        if (otherDetections.sum() > 0) {
            sample(b, "vigil_http_detections_total", "name", OTHER_NAME, otherDetections.sum());
        }
        family(b, "vigil_http_scan_duration_seconds", "histogram", "Time to scan one file, in seconds.");
        long count = latencyCount.get();
        long cumulative = 0;
        for (int i = 0; i < LATENCY_BUCKETS.length; i++) {
            cumulative += latencyBuckets.get(i);
            sample(b, "vigil_http_scan_duration_seconds_bucket", "le", number(LATENCY_BUCKETS[i]), cumulative);
        }
        // Read once more so that +Inf is never below the last bucket even while scans are being counted.
        count = Math.max(count, cumulative);
        sample(b, "vigil_http_scan_duration_seconds_bucket", "le", "+Inf", count);
        b.append("vigil_http_scan_duration_seconds_sum ").append(number(latencyNanos.sum() / 1e9)).append('\n');
        sample(b, "vigil_http_scan_duration_seconds_count", null, null, count);
        family(b, "vigil_http_scans_in_flight", "gauge", "Scan requests being served now.");
        sample(b, "vigil_http_scans_in_flight", null, null, Math.max(0, inFlight.get()));
        family(b, "vigil_reloads_total", "counter", "Database reloads asked through the HTTP API.");
        sample(b, "vigil_reloads_total", null, null, reloads.sum());
        family(b, "vigil_reload_failures_total", "counter", "Reloads that failed (the old database kept serving).");
        sample(b, "vigil_reload_failures_total", null, null, reloadFailures.sum());
        family(b, "vigil_database_loaded", "gauge", "1 while a signature database is loaded, else 0.");
        sample(b, "vigil_database_loaded", null, null, databaseLoaded ? 1 : 0);
        family(b, "vigil_http_requests_total", "counter", "HTTP requests answered, by route and status code.");
        for (Map.Entry<String, LongAdder> e : new TreeMap<>(requests).entrySet()) {
            String[] k = e.getKey().split("\u0000", 2);
            b.append("vigil_http_requests_total{route=\"").append(escape(k[0])).append("\",code=\"").append(k[1])
                    .append("\"} ").append(e.getValue().sum()).append('\n');
        }
        return b.toString();
    }

    private static void family(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder b, String name, String label, String value, long v) {
        b.append(name);
        if (label != null) {
            b.append('{').append(label).append("=\"").append(escape(value)).append("\"}");
        }
        b.append(' ').append(v).append('\n');
    }

    /** Label values escape backslash, double quote and line feed, as the text format requires. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%s", d);
    }
}
