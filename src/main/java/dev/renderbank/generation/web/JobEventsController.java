package dev.renderbank.generation.web;

import dev.renderbank.generation.Generations;
import dev.renderbank.generation.Job;
import dev.renderbank.generation.JobEvents;
import dev.renderbank.identity.CurrentUser;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-sent events of a job's status. Event ids are the job's version, so a client that
 * reconnects with {@code Last-Event-ID} gets only what it missed. Changes on this node are pushed
 * at once; a periodic re-read catches changes made by other nodes.
 */
@RestController
class JobEventsController {

    private static final long TIMEOUT_MS = 60 * 60 * 1000L;

    private final Generations generations;
    private final JobEvents events;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sse-ticker");
        t.setDaemon(true);
        return t;
    });

    JobEventsController(Generations generations, JobEvents events) {
        this.generations = generations;
        this.events = events;
    }

    @GetMapping("/api/v1/generations/{taskId}/events")
    ResponseEntity<?> stream(
            @AuthenticationPrincipal CurrentUser user,
            @PathVariable String taskId,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
        long userId = user.id();
        if (generations.find(userId, taskId).isEmpty()) {
            return GenerationController.notFound(taskId);
        }
        SseEmitter emitter = new SseEmitter(TIMEOUT_MS);
        AtomicLong sent = new AtomicLong(parseVersion(lastEventId));
        AtomicReference<Runnable> unsubscribe = new AtomicReference<>(() -> {});
        AtomicReference<ScheduledFuture<?>> tick = new AtomicReference<>();
        Runnable close = () -> {
            unsubscribe.get().run();
            ScheduledFuture<?> f = tick.get();
            if (f != null) {
                f.cancel(false);
            }
        };
        Runnable push = () -> send(emitter, generations.find(userId, taskId), sent, close);
        emitter.onCompletion(close);
        emitter.onTimeout(close);
        emitter.onError(e -> close.run());
        unsubscribe.set(events.subscribe(taskId, id -> push.run()));
        tick.set(ticker.scheduleWithFixedDelay(push, 2, 2, TimeUnit.SECONDS));
        push.run();
        return ResponseEntity.ok().contentType(MediaType.TEXT_EVENT_STREAM).body(emitter);
    }

    /** One stream's sends are serialized (push and ticker may race); other streams are not held up. */
    private static void send(SseEmitter emitter, Optional<Job> job, AtomicLong sent, Runnable close) {
        if (job.isEmpty()) {
            return;
        }
        Job j = job.get();
        synchronized (emitter) {
            if (j.version() > sent.get()) {
                try {
                    emitter.send(SseEmitter.event()
                            .id(Long.toString(j.version()))
                            .name("status")
                            .data(JobJson.of(j), MediaType.APPLICATION_JSON));
                    sent.set(j.version());
                } catch (IOException | IllegalStateException e) {
                    close.run();
                    return;
                }
            }
            if (j.state().isTerminal()) {
                close.run();
                emitter.complete();
            }
        }
    }

    private static long parseVersion(String lastEventId) {
        try {
            return lastEventId == null ? 0 : Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
