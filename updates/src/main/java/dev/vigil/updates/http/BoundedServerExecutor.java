package dev.vigil.updates.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Request threads for the JDK HTTP server: a fixed number of threads, a short queue (when it is full the server
 * closes the new connection), and a deadline per exchange. The JDK server reads requests with blocking reads on
 * interruptible channels, so interrupting a thread whose exchange is past its deadline closes that connection; a
 * slow client cannot hold a thread longer than the request timeout.
 */
final class BoundedServerExecutor implements Executor, AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final ScheduledThreadPoolExecutor ticker;
    private final Map<Thread, Long> deadlines = new ConcurrentHashMap<>();
    private final long timeoutNanos;

    BoundedServerExecutor(String name, int threads, int queue, Duration timeout) {
        if (threads < 1 || queue < 1) {
            throw new IllegalArgumentException("need at least one thread and one queue slot");
        }
        this.timeoutNanos = HttpSupport.positive(timeout, "request timeout").toNanos();
        AtomicInteger ids = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> daemon(r, name + "-" + ids.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        this.ticker = new ScheduledThreadPoolExecutor(1, r -> daemon(r, name + "-deadlines"));
        long tick = Math.max(10, Math.min(200, timeout.toMillis() / 4));
        ticker.scheduleAtFixedRate(this::expire, tick, tick, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void execute(Runnable exchange) {
        pool.execute(() -> {
            Thread self = Thread.currentThread();
            deadlines.put(self, System.nanoTime() + timeoutNanos);
            try {
                exchange.run();
            } finally {
                // Removed under the map's lock, so no interrupt can arrive after this; clear one that did.
                deadlines.remove(self);
                Thread.interrupted();
            }
        });
    }

    /**
     * Brings the calling request thread's deadline to at most {@code grace} from now. After refusing a request whose
     * body it did not read, the JDK server still tries to drain that body before closing; a client that sends
     * nothing more must not hold the thread until the full timeout.
     */
    void shortenCurrent(Duration grace) {
        long latest = System.nanoTime() + grace.toNanos();
        deadlines.computeIfPresent(Thread.currentThread(), (t, due) -> due - latest > 0 ? latest : due);
    }

    private void expire() {
        long now = System.nanoTime();
        for (Thread t : deadlines.keySet()) {
            deadlines.computeIfPresent(t, (thread, due) -> {
                if (now - due >= 0) {
                    thread.interrupt();
                    return null;
                }
                return due;
            });
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        pool.shutdownNow(); // interrupts blocked reads, which closes their connections
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
