package dev.vigil.cli;

import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs file scans on a pool but hands their events to the sink strictly in submission order, so the output is the
 * same as a sequential scan's whatever the number of threads. At most {@code window} events wait at a time, which
 * bounds memory and keeps the walk from running far ahead of the scans. Used from one thread.
 */
final class OrderedOutput {
    private final ExecutorService pool;
    private final int window;
    private final Consumer<Event> sink;
    private final Runnable beforeWait;
    private final ArrayDeque<Future<Event>> pending = new ArrayDeque<>();

    /**
     * @param pool       where scans run, or null to run them on the calling thread
     * @param beforeWait called before blocking on a scan that is still running (to flush what was printed)
     */
    OrderedOutput(ExecutorService pool, int window, Consumer<Event> sink, Runnable beforeWait) {
        this.pool = pool;
        this.window = Math.max(1, window);
        this.sink = sink;
        this.beforeWait = beforeWait;
    }

    /** An event known now (a notice, a warning): printed as soon as everything before it is. */
    void emit(Event event) {
        if (pending.isEmpty()) {
            sink.accept(event);
        } else {
            pending.add(CompletableFuture.completedFuture(event));
        }
    }

    void submit(Callable<Event> scan) {
        if (pool == null) {
            sink.accept(call(scan));
            return;
        }
        pending.add(pool.submit(scan));
        drainDone();
        while (pending.size() > window) {
            deliverHead();
        }
    }

    /** Waits for every scan submitted and delivers the rest of the events. */
    void finish() {
        drainDone();
        while (!pending.isEmpty()) {
            deliverHead();
        }
    }

    private void drainDone() {
        while (!pending.isEmpty() && pending.peekFirst().isDone()) {
            sink.accept(get(pending.pollFirst()));
        }
    }

    private void deliverHead() {
        Future<Event> head = pending.pollFirst();
        if (!head.isDone()) {
            beforeWait.run();
        }
        sink.accept(get(head));
        drainDone();
    }

    private static Event call(Callable<Event> scan) {
        try {
            return scan.call();
        } catch (Exception e) {
            throw new IllegalStateException("a file scan must report its failures as an event", e);
        }
    }

    private static Event get(Future<Event> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a scan", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a file scan must report its failures as an event", e.getCause());
        }
    }
}
