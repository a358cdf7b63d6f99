package dev.renderbank.notify.webhooks;

import dev.renderbank.identity.Users;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Sends due deliveries after their commit, at least once. A claim (its own statement, committed
 * before the POST) counts the attempt and leases the row; the outcome is then recorded against that
 * attempt: {@code DELIVERED} on a 2xx, otherwise retried after an exponentially growing wait until
 * the retry window ends, then {@code FAILED} (shown in the owner's delivery log; operators get an
 * alert, once per failing spell of the endpoint: {@link EndpointHealth}). Each attempt is signed anew
 * (Standard Webhooks: the timestamp is the attempt's). Every
 * outcome also counts towards the endpoint's health ({@link EndpointHealth}), which disables an
 * endpoint that has failed for days. A bounded pool of senders ({@code renderbank.webhooks.senders})
 * sends them, at most one per endpoint at a time, endpoints taking turns. Each delivery is looked up
 * again just before its POST: one removed since its claim (its endpoint removed, the account
 * deleted), stopped, resent or claimed again is not sent by this claim, nor one to an endpoint
 * registered before the account's password was reset.
 */
@Component
public class WebhookDispatch implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatch.class);

    private final DeliveryStore deliveries;
    private final Users users;
    private final WebhookProperties props;
    private final Clock clock;
    private final WebhookHttp http;
    private final EndpointHealth health;
    private final ExecutorService senders;

    WebhookDispatch(
            DeliveryStore deliveries, WebhookProperties props, Clock clock, EndpointHealth health, Users users) {
        this.users = users;
        this.deliveries = deliveries;
        this.health = health;
        this.props = props;
        this.clock = clock;
        this.http = new WebhookHttp(
                new WebhookUrlPolicy(props.allowPrivateHosts()),
                props.connectTimeout(),
                props.readTimeout(),
                props.senders());
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(props.senders(), r -> {
            Thread t = new Thread(r, "webhook-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Sends everything due, on {@code renderbank.webhooks.senders} senders, until nothing is due or
     * being sent, or {@code stop} says the node is shutting down (what is being sent then is finished);
     * returns how many were delivered. Whenever a sender is free, the next due delivery of an endpoint
     * not being sent to is claimed ({@link DeliveryStore#claimDue}): one slow receiver holds one
     * sender at a time, and its backlog waits its turn behind the other endpoints' deliveries.
     */
    public int deliverDue(BooleanSupplier stop) {
        CompletionService<Boolean> sent = new ExecutorCompletionService<>(senders);
        int running = 0;
        int delivered = 0;
        try {
            while (true) {
                int free = props.senders() - running;
                int claimed = 0;
                if (free > 0 && !stop.getAsBoolean()) {
                    for (DeliveryStore.Claimed d : claim(free)) {
                        sent.submit(() -> attempt(d));
                        claimed++;
                    }
                    running += claimed;
                }
                if (running == 0) {
                    return delivered;
                }
                // every sender busy: wait for one; otherwise look again at the send interval for what
                // has become due meanwhile
                Future<Boolean> done = claimed == free
                        ? sent.take()
                        : sent.poll(props.sendInterval().toMillis(), TimeUnit.MILLISECONDS);
                while (done != null) {
                    running--;
                    delivered += outcome(done) ? 1 : 0;
                    done = sent.poll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return delivered;
        }
    }

    /** Up to {@code free} due deliveries; none when the database failed the claim (retried next look). */
    private List<DeliveryStore.Claimed> claim(int free) {
        Instant now = clock.instant();
        try {
            return deliveries.claimDue(now, now.plus(props.lease()), free);
        } catch (RuntimeException e) {
            log.warn("webhook deliveries could not be claimed now: {}", e.toString());
            return List.of();
        }
    }

    private static boolean outcome(Future<Boolean> done) throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            log.warn("webhook attempt ended unexpectedly: {}", e.getCause().toString());
            return false;
        }
    }

    private boolean attempt(DeliveryStore.Claimed d) {
        if (!stillOurs(d)) {
            releaseQuietly(d);
            return false;
        }
        Instant started = clock.instant();
        long timestamp = started.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("webhook-id", d.id());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        headers.put("webhook-signature", StandardWebhooks.sign(d.secret(), d.id(), timestamp, d.body()));
        WebhookHttp.Answer answer;
        try {
            answer = http.post(d.url(), headers, d.body());
        } catch (IOException | RuntimeException e) {
            failed(d, started, null, describe(e), null);
            return false;
        }
        if (answer.delivered()) {
            if (!deliveries.record(d, started, answer.status(), null, answer.excerpt(), true, null)) {
                log.warn(
                        "webhook {} was delivered but its claim had expired, or it was resent or removed while"
                                + " being sent; it may be sent once more",
                        d.id());
            }
            health.delivered(d.endpointId());
            return true;
        }
        String error = answer.status() >= 300 && answer.status() < 400
                ? "HTTP " + answer.status() + " (redirects are not followed)"
                : "HTTP " + answer.status();
        failed(d, started, answer.status(), error, answer.excerpt());
        return false;
    }

    /**
     * Asked just before each POST, not once per batch: the batch read URL, secret and body when it was
     * claimed, and the POSTs before this one may have taken minutes (a slow receiver each). Meanwhile
     * the owner may have removed the endpoint or deleted the account (the delivery went with it), the
     * endpoint may have been disabled, the delivery resent (sent afresh by the next run) or claimed
     * again after this claim's lease ran out.
     */
    private boolean stillOurs(DeliveryStore.Claimed d) {
        try {
            return stillOursNow(d);
        } catch (RuntimeException e) {
            // the database failed the look-up: not sent now, and the rest of the batch goes on; this
            // delivery is claimed again once its lease runs out
            log.warn("webhook {} not sent now: it could not be looked up before its POST ({})", d.id(), e.toString());
            return false;
        }
    }

    private boolean stillOursNow(DeliveryStore.Claimed d) {
        Optional<DeliveryStore.Standing> now = deliveries.standing(d.id());
        if (now.isPresent() && now.get().ownedBy(d)) {
            // one read of the account: deleted (empty), else how often it was recovered
            java.util.OptionalLong recoveries = users.recoveriesIfLive(now.get().userId());
            if (recoveries.isEmpty()) {
                // deleted, and the deletion's handler, which removes the endpoints with their deliveries,
                // has not run yet (it runs after the deletion commits): nothing more is sent to the account
                log.info("webhook {} to endpoint {} not sent: its account was deleted", d.id(), d.endpointId());
                return false;
            }
            if (recoveries.getAsLong() > now.get().endpointRecoveries()) {
                // registered before the account was recovered (whoever knew the old password may have),
                // and the recovery's clean-up, which removes it, has not run yet: nothing more goes there
                log.info(
                        "webhook {} to endpoint {} not sent: the endpoint was registered before its account's"
                                + " password was reset",
                        d.id(),
                        d.endpointId());
                return false;
            }
            return true;
        }
        log.info(
                "webhook {} to endpoint {} not sent: it changed after attempt {} claimed it ({}), so that attempt"
                        + " no longer owns it",
                d.id(),
                d.endpointId(),
                d.attempt(),
                now.map(s -> "now " + s.status() + " after " + s.attempts() + " attempt(s)")
                        .orElse("removed with its endpoint or account"));
        return false;
    }

    private void releaseQuietly(DeliveryStore.Claimed d) {
        try {
            deliveries.release(d);
        } catch (RuntimeException e) {
            log.warn("endpoint {} stays held until its lease ends ({})", d.endpointId(), e.toString());
        }
    }

    private void failed(DeliveryStore.Claimed d, Instant started, Integer status, String error, String excerpt) {
        Instant next = clock.instant().plus(props.backoff(d.scheduled())); // a resend starts afresh
        boolean last = next.isAfter(d.giveUpAt());
        boolean recorded = deliveries.record(d, started, status, error, excerpt, false, last ? null : next);
        boolean enabled = health.failed(d.endpointId(), started);
        if (last && recorded) { // not when resent (or removed) meanwhile
            log.warn(
                    "webhook {} to endpoint {} failed for good after {} attempts: {}",
                    d.id(),
                    d.endpointId(),
                    d.attempt(),
                    error);
            // once per failing spell of the endpoint; none for one disabled (its owner is emailed)
            if (enabled) {
                health.failedForGood(
                        d.endpointId(),
                        "Webhook " + d.id() + " to endpoint " + d.endpointId() + " could not be delivered after "
                                + d.attempt() + " attempts: " + error + ". Further deliveries to this endpoint that"
                                + " fail raise no alert until it delivers again (or is disabled); the owner sees"
                                + " each in the endpoint's delivery log");
            }
        } else {
            log.info("webhook {} attempt {} failed ({}), next at {}", d.id(), d.attempt(), error, next);
        }
    }

    /** Says what went wrong without the stack: a refused address, a timeout, a refused connection. */
    private static String describe(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof WebhookUrlPolicy.RefusedAddressException) {
                return "refused: " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public void destroy() throws IOException {
        senders.shutdownNow();
        http.close();
    }
}
