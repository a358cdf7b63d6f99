package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Processes a stored event exactly once: the row is locked ({@code SKIP LOCKED}, so concurrent
 * deliveries and sweeps do not wait for each other), the handler's grants and the "processed"
 * mark commit together or not at all. A failure is recorded on the row with its next attempt time.
 * What the provider's API must be asked about an event is asked before that transaction opens
 * ({@link EventHandler#screen}): a slow provider holds no pooled connection, transaction or row lock.
 */
@Component
class EventProcessor {

    private static final Logger log = LoggerFactory.getLogger(EventProcessor.class);

    private final PaymentEventStore store;
    private final EventHandling handling;
    private final TransactionTemplate tx;
    private final OperatorAlerts alerts;
    private final Clock clock;
    private final MeterRegistry meters;

    EventProcessor(
            PaymentEventStore store,
            EventHandling handling,
            TransactionTemplate tx,
            OperatorAlerts alerts,
            Clock clock,
            MeterRegistry meters) {
        this.meters = meters;
        this.store = store;
        this.handling = handling;
        this.tx = tx;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** What one attempt at a stored event came to. */
    sealed interface Attempt {

        /**
         * The handler ran; an {@link Outcome.Unprocessable} (or a failure) is recorded for a retry,
         * by the attempt's own transaction when {@code failureRecorded}.
         */
        record Ran(Outcome outcome, boolean failureRecorded) implements Attempt {
            Ran(Outcome outcome) {
                this(outcome, false);
            }
        }

        /** Nothing done: the event is finished already, or another transaction is processing it now. */
        record Skipped() implements Attempt {}
    }

    /** Processes the event if it is unfinished and no other transaction has it. */
    Attempt process(long eventId) {
        Timer.Sample sample = Timer.start(meters);
        Attempt attempt = attempt(eventId);
        sample.stop(Timer.builder("renderbank.payments.webhook.processing")
                .description("Time to process one stored payment event (grants included)")
                .tag("outcome", outcomeTag(attempt))
                .publishPercentileHistogram()
                .register(meters));
        return attempt;
    }

    private static String outcomeTag(Attempt attempt) {
        return attempt instanceof Attempt.Ran ran
                ? ran.outcome().getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT)
                : "skipped";
    }

    /**
     * Asks the event's handler what the provider's API says of it ({@link EventHandler#screen}),
     * before any transaction: nothing of the event is locked or held meanwhile. A failure to ask is
     * an {@link Outcome.Unprocessable} (recorded for a retry, like one in the transaction).
     */
    Screened screen(long eventId) {
        return store.unfinished(eventId).map(this::screen).orElseGet(() -> new Screened(eventId, Optional.empty()));
    }

    /** {@link #screen(long)} of an event as it is (or will be) stored, read from {@code event} alone. */
    Screened screen(PaymentEventStore.Stored event) {
        long eventId = event.id();
        try {
            EventHandler handler = handling.handler(event.provider());
            Optional<Outcome> verdict = handler.screen(event).map(Outcome.class::cast);
            if (verdict.isPresent()) {
                return new Screened(eventId, verdict);
            }
            return new Screened(eventId, Optional.empty(), handler.askRefundTotal(event), handler.fetchNamed(event));
        } catch (Json.UnusableText e) {
            return new Screened(eventId, Optional.empty()); // handled in the transaction, which finishes it as unusable
        } catch (RuntimeException ex) {
            log.error(
                    "Asking the provider about payment event {} failed; it stays stored and will be retried",
                    eventId,
                    ex);
            return new Screened(
                    eventId,
                    Optional.of(new Outcome.Unprocessable(ex.getClass().getSimpleName() + ": " + ex.getMessage())));
        }
    }

    /**
     * How many times an event whose answer from the provider was outdated in its transaction ({@link
     * Outcome.Outdated}: another event of the same charge applied a newer one meanwhile) is asked
     * again at once before the attempt is recorded as failed (and retried with backoff).
     */
    static final int ASKS = 3;

    private Attempt attempt(long eventId) {
        Attempt attempt = attemptOnce(eventId, screen(eventId));
        for (int ask = 2; ask <= ASKS && outdated(attempt).isPresent(); ask++) {
            log.info(
                    "Payment event {}: {}; asking again",
                    eventId,
                    outdated(attempt).get().reason());
            attempt = attemptOnce(eventId, screen(eventId));
        }
        if (outdated(attempt).isPresent()) {
            attempt = new Attempt.Ran(
                    new Outcome.Unprocessable(outdated(attempt).get().reason() + " (asked " + ASKS
                            + " times, each overtaken by another event of the charge)"));
        }
        if (attempt instanceof Attempt.Ran ran
                && ran.outcome() instanceof Outcome.Unprocessable u
                && !ran.failureRecorded()) {
            recordFailure(eventId, u.error(), u.bounded());
        }
        return attempt;
    }

    private static Optional<Outcome.Outdated> outdated(Attempt attempt) {
        return attempt instanceof Attempt.Ran ran && ran.outcome() instanceof Outcome.Outdated o
                ? Optional.of(o)
                : Optional.empty();
    }

    /** One transaction of {@link #attempt}: its failure is not recorded here. */
    private Attempt attemptOnce(long eventId, Screened screened) {
        Attempt attempt;
        try {
            attempt = tx.execute(status -> {
                var event = store.lockUnfinished(eventId);
                if (event.isEmpty()) {
                    return new Attempt.Skipped();
                }
                Outcome o = screened.outcome().orElseGet(() -> handling.handleUnlessUnusable(event.get(), screened));
                if (o instanceof Outcome.Processed p) {
                    store.finish(eventId, "PROCESSED", p.note(), clock.instant());
                } else if (o instanceof Outcome.Ignored i) {
                    store.finish(eventId, "IGNORED", i.reason(), clock.instant());
                } else if (o instanceof Outcome.Unprocessable u) {
                    // The handler's writes are undone (its savepoint); the failure is recorded here, with
                    // the event still locked since before the handler read anything: an event parked
                    // now is parked before the lock goes, so a purchase recorded meanwhile, whose
                    // wake waits for that lock (Purchases#recordRefs), finds it parked and wakes it.
                    recordFailure(eventId, u.error(), u.bounded());
                    return new Attempt.Ran(o, true);
                } else if (o instanceof Outcome.Outdated) {
                    status.setRollbackOnly(); // nothing of a half-applied event may stay
                } else {
                    throw new IllegalStateException("unexpected outcome " + o + " of payment event " + eventId);
                }
                return new Attempt.Ran(o);
            });
        } catch (RuntimeException ex) {
            log.error("Processing payment event {} failed; it stays stored and will be retried", eventId, ex);
            attempt =
                    new Attempt.Ran(new Outcome.Unprocessable(ex.getClass().getSimpleName() + ": " + ex.getMessage()));
        }
        return attempt;
    }

    /**
     * Processes the event in the caller's transaction (a new one if there is none), waiting for a
     * transaction that holds the event rather than skipping it: an operator's reprocess, whose audit
     * record commits with its effects, so a second reprocess waits and finds the event finished. The
     * handler runs under a savepoint: an unprocessable outcome or a failure undoes only its writes
     * and is recorded on the event for a retry, as on arrival. {@code screened} is what the provider's
     * API said of the event, asked before the caller's transaction ({@link #screen}); if another event
     * overtook it meanwhile ({@link Outcome.Outdated}), that is recorded for a retry too (asking again
     * here would hold the caller's transaction open while the provider answers).
     */
    Attempt processJoined(Screened screened) {
        long eventId = screened.eventId();
        return tx.execute(status -> {
            var event = store.lockUnfinishedWaiting(eventId);
            if (event.isEmpty()) {
                return new Attempt.Skipped();
            }
            Outcome o;
            try {
                o = screened.outcome().isPresent()
                        ? screened.outcome().get()
                        : handling.handleUnlessUnusable(event.get(), screened);
            } catch (RuntimeException ex) {
                log.error("Reprocessing payment event {} failed; it stays stored and will be retried", eventId, ex);
                o = new Outcome.Unprocessable(ex.getClass().getSimpleName() + ": " + ex.getMessage());
            }
            if (o instanceof Outcome.Outdated outdated) {
                o = new Outcome.Unprocessable(outdated.reason() + " (overtaken by another event of the charge)");
            }
            if (o instanceof Outcome.Processed p) {
                store.finish(eventId, "PROCESSED", p.note(), clock.instant());
            } else if (o instanceof Outcome.Ignored i) {
                store.finish(eventId, "IGNORED", i.reason(), clock.instant());
            } else if (o instanceof Outcome.Unprocessable u) {
                recordFailure(eventId, u.error(), u.bounded());
            } else {
                throw new IllegalStateException("unexpected outcome " + o + " of payment event " + eventId);
            }
            return new Attempt.Ran(o);
        });
    }

    /**
     * Records a failed attempt on the event and alerts operators on its first and its last backoff
     * step. Nothing is recorded, and nobody alerted, when the event was finished meanwhile (an
     * operator's reprocess that held the row committed PROCESSED) or another attempt was recorded
     * first. Package-private for the race test that holds the row across it.
     */
    void recordFailure(long eventId, String why) {
        recordFailure(eventId, why, false);
    }

    /**
     * {@link #recordFailure(long, String)}; a {@code bounded} failure at its last attempt ({@link
     * PaymentEventStore#BOUNDED_ATTEMPTS}) is kept FAILED with no next attempt, and the operators are
     * told it is no longer retried (alert {@code billing.webhook.parked}). Package-private for the test
     * of what the line and the alerts name.
     */
    void recordFailure(long eventId, String why, boolean bounded) {
        String error = PaymentEventStore.storable(why);
        Optional<PaymentEventStore.Failed> failed =
                tx.execute(status -> store.fail(eventId, error, clock.instant(), bounded));
        if (failed.isEmpty()) {
            log.info(
                    "Payment event {} was finished, or its failure recorded, by another transaction meanwhile",
                    eventId);
            return;
        }
        int attempts = failed.get().attempts();
        // as operators find it: at the provider by its event id, at /admin/payments by the row's id
        String named = "Payment webhook " + eventId + " (" + failed.get().provider() + " event "
                + failed.get().eventId() + ", " + failed.get().type() + ")";
        log.warn("{} could not be processed (attempt {}): {}", named, attempts, error);
        if (bounded && attempts >= PaymentEventStore.BOUNDED_ATTEMPTS) {
            alerts.raise(
                    AlertKind.BILLING_WEBHOOK_PARKED,
                    named + " could not be processed in " + attempts
                            + " attempts and is no longer retried: " + error
                            + ". It moved no credits and stays FAILED; reprocess it on /admin/payments once"
                            + " what its error names is recorded or configured; see"
                            + " /api/v1/admin/webhooks?status=failed");
            return;
        }
        if (attempts == 1 || attempts == PaymentEventStore.BACKOFF.size()) {
            alerts.raise(
                    AlertKind.BILLING_WEBHOOK_FAILED,
                    named + " could not be processed (attempt " + attempts + "): " + error
                            + ". It is kept and retried; see /api/v1/admin/webhooks?status=failed");
        }
    }

    /** Retries every event whose next attempt is due; returns how many were looked at. */
    int processDue() {
        List<Long> due = store.due(clock.instant(), 100);
        for (long id : due) {
            try {
                process(id);
            } catch (RuntimeException e) {
                // One event whose failure cannot even be recorded must not stop the retries of the others.
                log.error("Retrying payment event {} failed; the others of this sweep are retried still", id, e);
            }
        }
        return due.size();
    }
}
