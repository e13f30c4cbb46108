package dev.vigil.daemon;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the clamd socket server, for logs and metrics. */
public final class DaemonStats {
    final AtomicLong connections = new AtomicLong();
    final AtomicLong commands = new AtomicLong();
    final AtomicLong bytesScanned = new AtomicLong();
    private final Map<String, LongAdder> detections = new ConcurrentHashMap<>();

    void found(String name) {
        detections.computeIfAbsent(name, n -> new LongAdder()).increment();
    }

    public long connections() {
        return connections.get();
    }

    public long commands() {
        return commands.get();
    }

    public long bytesScanned() {
        return bytesScanned.get();
    }

    /** Detections reported so far, by signature name. */
    public Map<String, Long> detections() {
        Map<String, Long> m = new java.util.TreeMap<>();
        detections.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
