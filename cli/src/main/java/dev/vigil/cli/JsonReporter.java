package dev.vigil.cli;

import dev.vigil.daemon.http.Json;
import dev.vigil.engine.Detection;

import java.io.PrintStream;
import java.util.List;

/**
 * One JSON object per line for every file scanned or failed:
 * {@code {"path":..,"status":"OK|FOUND|ERROR","detections":[{"name":..,"kind":..,"offset":..,"path":..}],"size":..,
 * "type":..,"limit":..}}, plus {@code "error"} for ERROR. Paths that are skipped (symbolic links that are not
 * followed, exclusions) produce no object. A detection's {@code path} is where it was found: the file's path,
 * followed for objects inside containers by their names ({@code dir/a.zip/inner/b.tar/x.exe}). stderr keeps clamscan's warnings.
 */
final class JsonReporter implements Reporter {
    private final PrintStream out;
    private final PrintStream err;

    JsonReporter(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void report(Event event) {
        switch (event) {
            case Event.Notice n -> {
                if (n.error()) {
                    write(n.path(), "ERROR", List.of(), null, null, null, stripDot(n.text()));
                }
            }
            case Event.Unreachable u -> {
                Warnings.unreachable(err, u);
                write(u.path(), "ERROR", List.of(), null, null, null, u.reason());
            }
            case Event.Unsupported u -> {
                Warnings.unsupported(err, u);
                write(u.path(), "ERROR", List.of(), null, null, null, "Not supported file type");
            }
            case Event.FileOutcome f -> file(f);
        }
    }

    private void file(Event.FileOutcome f) {
        switch (f.kind()) {
            case CLEAN, EMPTY -> write(f.path(), "OK", List.of(), f.size(), f.fileType(), f.limit(), null);
            case INFECTED -> write(f.path(), "FOUND", f.detections(), f.innerPaths(), f.size(), f.fileType(),
                    f.limit(), null);
            case ACCESS_DENIED -> write(f.path(), "ERROR", List.of(), f.size(), null, null, "Access denied");
            case OPEN_FAILED -> {
                Warnings.openFailed(err, f);
                write(f.path(), "ERROR", List.of(), f.size(), null, null, "Can't open file: " + f.error());
            }
            case SCAN_ERROR -> write(f.path(), "ERROR", List.of(), f.size(), f.fileType(), f.limit(), f.error());
            case EXCLUDED_PROC -> {
            }
        }
    }

    private void write(String path, String status, List<Detection> detections, Long size, String type,
                       String limit, String error) {
        write(path, status, detections, List.of(), size, type, limit, error);
    }

    private void write(String path, String status, List<Detection> detections, List<String> innerPaths, Long size,
                       String type, String limit, String error) {
        StringBuilder b = new StringBuilder(128);
        b.append("{\"path\":");
        Json.string(b, path);
        b.append(",\"status\":\"").append(status).append("\",\"detections\":[");
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            b.append(i == 0 ? "{\"name\":" : ",{\"name\":");
            Json.string(b, d.name());
            b.append(",\"kind\":\"").append(d.kind().name()).append('"');
            b.append(",\"offset\":").append(d.offset() < 0 ? "null" : Long.toString(d.offset()));
            String inner = i < innerPaths.size() ? innerPaths.get(i) : "";
            b.append(",\"path\":");
            Json.string(b, inner.isEmpty() ? path : path + "/" + inner);
            b.append('}');
        }
        b.append("],\"size\":").append(size == null ? "null" : size.toString());
        b.append(",\"type\":");
        Json.string(b, type);
        b.append(",\"limit\":");
        Json.string(b, limit);
        if (error != null) {
            b.append(",\"error\":");
            Json.string(b, error);
        }
        b.append("}\n");
        out.print(b);
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void flush() {
        out.flush();
        err.flush();
    }
}
