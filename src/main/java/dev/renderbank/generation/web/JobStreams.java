package dev.renderbank.generation.web;

import dev.renderbank.generation.GenerationProperties;
import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobEvents;
import dev.renderbank.generation.JobView;
import dev.renderbank.platform.LogThrottle;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The event streams open on this node. A stream pushes its job's status when {@link JobEvents}
 * signals a change (made on this node, or on any node by way of the database's notifications) and
 * re-reads it every {@code reread-interval} in case a notification was lost; sends a comment every
 * {@code heartbeat}, because a client that went away is only noticed when a write to it fails;
 * and ends with its job (or shortly after its deadline). A user holds at most {@code
 * max-per-user} streams on a node. Without these, streams whose clients were gone kept re-reading
 * the database every two seconds for an hour. A stream also ends once its caller is no longer signed
 * in (signed out, session ended, token revoked, account suspended or deleted), asked before each
 * status it sends and at each heartbeat: it used to keep sending the job's status for as long as the
 * job lived.
 *
 * <p>At a polite stop (SIGTERM) every open stream ends cleanly before the web server's graceful
 * shutdown begins (its {@link #PHASE} is stopped first), and a stream asked for from then on is
 * refused (the controller answers 503): a stream is a request under way until its job ends, so one
 * open stream used to hold the graceful shutdown for its whole 30 s, which then gave up and cut the
 * client. A browser whose stream ended polls the job's status (common.js), an API client reconnects
 * with {@code Last-Event-ID}, by way of the balancer to another node.
 *
 * <p>Over the project's ~300 lines: about half is the inner {@code Stream}, whose timers, slot and
 * closing share this class's ticker, per-user counts, open-stream set and stop state. Moving it out
 * means handing those over through an interface; that split is left for when the class changes next
 * (the closing note of the forty-second session says so).
 */
@Component
class JobStreams implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobStreams.class);

    /** A stream outlives its job's deadline by this much, so the failure at the deadline is seen. */
    static final Duration AFTER_DEADLINE = Duration.ofMinutes(2);

    private static final Duration MIN_LIFETIME = Duration.ofMinutes(1);

    /**
     * A failed turn of a timer is logged once a minute for all the streams of the node: while the
     * database was away every open stream wrote a line at each re-read and each heartbeat.
     */
    private final LogThrottle failedTurns = new LogThrottle();

    private final Generations generations;
    private final JobEvents events;
    private final GenerationProperties.Events settings;
    private final Clock clock;
    private final Map<Long, Integer> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Stream> live = ConcurrentHashMap.newKeySet();
    private volatile boolean running;
    private volatile boolean stopping;
    private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "sse-ticker");
        t.setDaemon(true);
        return t;
    });

    JobStreams(
            Generations generations,
            JobEvents events,
            GenerationProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this.generations = generations;
        this.events = events;
        this.settings = properties.events();
        this.clock = clock;
        Gauge.builder("renderbank.events.open", open, AtomicInteger::get)
                .description("Job event streams open on this node")
                .register(meters);
    }

    int maxPerUser() {
        return settings.maxPerUser();
    }

    Duration heartbeat() {
        return settings.heartbeat();
    }

    /**
     * Stopped before the web server's graceful shutdown ({@code WebServerGracefulShutdownLifecycle},
     * phase {@code DEFAULT_PHASE - 1024} in Spring Boot 4.1), which waits for every request under way:
     * streams among them.
     */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    /** True once the node stops: no stream is opened any more. */
    boolean stopping() {
        return stopping;
    }

    /**
     * A stream of {@code job} for its owner while {@code signedIn} holds, or empty when the owner
     * already holds the most allowed or the node is stopping ({@link #stopping()}).
     */
    Optional<SseEmitter> open(long userId, JobView job, long lastSeenVersion, BooleanSupplier signedIn) {
        if (stopping || !takeSlot(userId)) {
            return Optional.empty();
        }
        Duration lifetime = Duration.between(clock.instant(), job.deadlineAt()).plus(AFTER_DEADLINE);
        SseEmitter emitter =
                new SseEmitter((lifetime.compareTo(MIN_LIFETIME) < 0 ? MIN_LIFETIME : lifetime).toMillis());
        new Stream(userId, job.id(), emitter, lastSeenVersion, signedIn).start();
        return Optional.of(emitter);
    }

    private boolean takeSlot(long userId) {
        AtomicBoolean taken = new AtomicBoolean();
        perUser.compute(userId, (id, count) -> {
            int n = count == null ? 0 : count;
            if (n >= settings.maxPerUser()) {
                return count;
            }
            taken.set(true);
            return n + 1;
        });
        return taken.get();
    }

    private void giveSlotBack(long userId) {
        perUser.computeIfPresent(userId, (id, count) -> count <= 1 ? null : count - 1);
    }

    @Override
    public void start() {
        stopping = false;
        running = true;
    }

    /** Ends every open stream cleanly and opens no more (see the class comment). */
    @Override
    public void stop() {
        stopping = true;
        running = false;
        List<Stream> ending = List.copyOf(live);
        ending.forEach(Stream::endAtStop);
        if (!ending.isEmpty()) {
            log.info("{} event streams ended for the stop; their clients poll or reconnect", ending.size());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @PreDestroy
    void destroy() {
        ticker.shutdownNow();
    }

    private final class Stream {

        private final long userId;
        private final String jobId;
        private final SseEmitter emitter;
        private final BooleanSupplier signedIn;
        private final AtomicBoolean closed = new AtomicBoolean();
        private long sent;
        private volatile Runnable unsubscribe = () -> {};
        private volatile ScheduledFuture<?> reread;
        private volatile ScheduledFuture<?> heartbeat;

        Stream(long userId, String jobId, SseEmitter emitter, long lastSeenVersion, BooleanSupplier signedIn) {
            this.userId = userId;
            this.signedIn = signedIn;
            this.jobId = jobId;
            this.emitter = emitter;
            this.sent = lastSeenVersion;
        }

        void start() {
            open.incrementAndGet();
            live.add(this);
            emitter.onCompletion(this::close);
            emitter.onTimeout(this::close);
            emitter.onError(e -> close());
            // pushed from the ticker, not from the thread that changed the job (a job engine thread)
            unsubscribe = events.subscribe(jobId, id -> later(() -> survive(this::push, "push")));
            long rereadMs = settings.rereadInterval().toMillis();
            long beatMs = settings.heartbeat().toMillis();
            reread = ticker.scheduleWithFixedDelay(
                    () -> survive(this::push, "re-read"), rereadMs, rereadMs, TimeUnit.MILLISECONDS);
            heartbeat = ticker.scheduleWithFixedDelay(
                    () -> survive(this::beat, "heartbeat"), beatMs, beatMs, TimeUnit.MILLISECONDS);
            if (closed.get()) {
                stopTimers(); // closed while starting
            }
            try {
                push();
            } catch (RuntimeException e) {
                close(); // the request fails (database away): its slot and timers go with it
                throw e;
            }
            if (stopping) {
                endAtStop(); // the stop began while this one opened, and may not have seen it
            }
        }

        void endAtStop() {
            synchronized (this) {
                if (!closed.get()) {
                    end();
                }
            }
        }

        /**
         * Runs one turn of a timer. A scheduled executor stops a task for good once a run throws: a
         * database away for a moment would leave the stream without heartbeats (a client that went
         * away never noticed, its slot kept; a signed-out caller's stream never ended) and without
         * re-reads, so the failure is logged and the next turn tries again.
         */
        private void survive(Runnable turn, String what) {
            try {
                turn.run();
            } catch (RuntimeException e) {
                failedTurns.warn(
                        log,
                        "event stream of job {}: {} failed, tried again next time ({})",
                        jobId,
                        what,
                        e.toString());
            }
        }

        private void later(Runnable work) {
            try {
                ticker.execute(work);
            } catch (RejectedExecutionException e) {
                close(); // shutting down
            }
        }

        /** Sends the job's status if newer than what the client has; ends the stream once the job has ended. */
        void push() {
            if (closed.get()) {
                return;
            }
            Optional<JobView> job = generations.find(userId, jobId);
            synchronized (this) {
                if (closed.get()) {
                    return;
                }
                if (job.isEmpty()) {
                    end();
                    return;
                }
                JobView j = job.get();
                if (j.version() > sent) {
                    if (!signedIn.getAsBoolean()) {
                        end();
                        return;
                    }
                    try {
                        emitter.send(SseEmitter.event()
                                .id(Long.toString(j.version()))
                                .name("status")
                                .data(JobJson.of(j), MediaType.APPLICATION_JSON));
                        sent = j.version();
                    } catch (IOException | IllegalStateException e) {
                        close();
                        return;
                    }
                }
                if (j.state().isTerminal()) {
                    end();
                }
            }
        }

        /**
         * A comment line: ignored by clients, but a write that fails when the client is gone; and the
         * time to ask whether the caller is still signed in, when nothing else was sent.
         */
        void beat() {
            if (closed.get()) {
                return;
            }
            boolean stillSignedIn = signedIn.getAsBoolean();
            synchronized (this) {
                if (closed.get()) {
                    return;
                }
                if (!stillSignedIn) {
                    end();
                    return;
                }
                try {
                    emitter.send(SseEmitter.event().comment("keep-alive"));
                } catch (IOException | IllegalStateException e) {
                    close();
                }
            }
        }

        private void end() {
            close();
            emitter.complete();
        }

        /** Stops everything this stream does; safe to call any number of times, from any thread. */
        void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            stopTimers();
            unsubscribe.run();
            live.remove(this);
            giveSlotBack(userId);
            open.decrementAndGet();
        }

        private void stopTimers() {
            ScheduledFuture<?> r = reread;
            if (r != null) {
                r.cancel(false);
            }
            ScheduledFuture<?> h = heartbeat;
            if (h != null) {
                h.cancel(false);
            }
        }
    }
}
