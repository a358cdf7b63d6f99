package dev.renderbank.generation.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import dev.renderbank.catalog.AssetType;
import dev.renderbank.catalog.Catalog;
import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.catalog.PricedRequest;
import dev.renderbank.catalog.Pricing;
import dev.renderbank.generation.AcceptOutcome;
import dev.renderbank.generation.GenerationProperties;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.ReserveResult;
import dev.renderbank.platform.Switches;
import dev.renderbank.storage.ReferenceCheck;
import dev.renderbank.storage.ReferenceHosts;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Accepting a generation request: validate and price, then in one transaction on one pooled
 * connection claim the Idempotency-Key (or answer its replay), check the provider's availability,
 * limit, hold, persist and schedule; the provider is called only after commit, by this node's {@link
 * JobSubmitter} or the job task. The Idempotency-Key's rules are {@link AcceptKeys}'.
 */
@Component
public class Acceptance {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Catalog catalog;
    private final Ledger ledger;
    private final JobStore jobs;
    private final LimitStore limits;
    private final AcceptKeys keys;
    private final ProviderAvailability availability;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final CustomTask<String> jobTask;
    private final TransactionTemplate tx;
    private final GenerationProperties props;
    private final Clock clock;
    private final ObjectMapper json;
    private final ReferenceHosts referenceHosts;
    private final JobSubmitter submitter;
    private final Switches switches;

    Acceptance(
            Catalog catalog,
            Ledger ledger,
            JobStore jobs,
            LimitStore limits,
            AcceptKeys keys,
            ProviderAvailability availability,
            ObjectProvider<SchedulerClient> scheduler,
            CustomTask<String> generationJobTask,
            TransactionTemplate tx,
            GenerationProperties props,
            Clock clock,
            ObjectMapper json,
            ReferenceHosts referenceHosts,
            JobSubmitter submitter,
            Switches switches) {
        this.catalog = catalog;
        this.ledger = ledger;
        this.jobs = jobs;
        this.limits = limits;
        this.keys = keys;
        this.availability = availability;
        this.scheduler = scheduler;
        this.jobTask = generationJobTask;
        this.tx = tx;
        this.props = props;
        this.clock = clock;
        this.json = json;
        this.referenceHosts = referenceHosts;
        this.submitter = submitter;
        this.switches = switches;
    }

    /**
     * Refusals in SPEC order, cheapest first: bad input (reference images on private or metadata
     * hosts, or on hosts that did not answer in time, included; too many reference lookups under
     * way is a 503 of that step), provider unavailable, cooldown or in-flight cap, credits. None of
     * them holds or writes anything.
     */
    public AcceptOutcome accept(long userId, GenerationSpec spec, String idempotencyKey) {
        return accept(userId, spec, idempotencyKey, null);
    }

    /**
     * As {@link #accept(long, GenerationSpec, String)}, with the Idempotency-Key scoped to {@code
     * endpoint} (null: the generate endpoint of the spec's type), e.g. one failed job's "try again".
     */
    AcceptOutcome accept(long userId, GenerationSpec spec, String idempotencyKey, String endpoint) {
        Pricing pricing = catalog.price(spec);
        if (pricing instanceof Pricing.Invalid inv) {
            // a repeat of a request accepted before its model or option left the catalogue still gets
            // its first answer: its job runs and is charged (one lookup, and only with a key)
            String scope =
                    endpoint != null ? endpoint : "generate-" + spec.type().label();
            return keys.replayOf(userId, scope, idempotencyKey, spec)
                    .orElseGet(() -> new AcceptOutcome.Invalid(inv.field(), inv.message(), inv.unprocessable()));
        }
        if (!(pricing instanceof Pricing.Priced priced)) {
            throw new IllegalStateException("unexpected pricing outcome " + pricing);
        }
        PricedRequest req = priced.request();
        // before the transaction and its connection, bounded in time and number: a host whose name
        // servers never answer holds neither (ReferenceHosts)
        ReferenceCheck references = referenceHosts.check(req.imageUrls());
        if (references instanceof ReferenceCheck.Refused r) {
            return new AcceptOutcome.Invalid("imageUrls[" + r.index() + "]", r.reason(), true);
        }
        String scope = endpoint != null ? endpoint : "generate-" + req.type().label();
        if (references instanceof ReferenceCheck.TimedOut || references instanceof ReferenceCheck.Busy) {
            // not a fault of the input: a repeat of an accepted request still gets its first answer
            return keys.replayOf(userId, scope, idempotencyKey, spec).orElseGet(() -> unchecked(references));
        }
        if (idempotencyKey == null) {
            // no key, so nothing to replay: a pause refuses it here, before a submit slot, a connection
            // and a transaction are taken (a pause is often an incident's: it should shed load)
            Optional<AcceptOutcome> refused = paused(spec);
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        Instant now = clock.instant();
        Job job = newJob(userId, req, now);
        // a slot on this node's submitter: the job is sent right after the commit, its task due later
        boolean submitHere = submitter.reserve();
        AcceptOutcome outcome = null;
        try {
            Instant taskDue = submitHere ? now.plus(props.jobs().submitFallback()) : now;
            // the request's hash only matters against a key's first request
            String hash = idempotencyKey == null ? null : AcceptKeys.requestHash(spec);
            outcome = decide(userId, spec, req, job, new AcceptKeys.Key(scope, idempotencyKey, hash), now, taskDue);
        } finally {
            if (submitHere) {
                // a replay names the first request's job, which its own accept sent: this one was not stored
                submitter.handOver(job, outcome instanceof AcceptOutcome.Accepted a && !a.repeated());
            }
        }
        return outcome;
    }

    /**
     * Everything after the input's checks, in one transaction and so on one pooled connection (issue
     * 15: under load each borrow waits behind commits queued on the WAL flush; an accept used to
     * borrow up to four times). First the Idempotency-Key's claim, so that a repeat of an accepted
     * request answers as the first did whatever the provider and the limits say now: the claim waits
     * while a concurrent request with the key is uncommitted, then conflicts with its row if it
     * accepted (read in this transaction: a new statement sees what committed meanwhile) or succeeds
     * if it was refused. So a repeat, concurrent or not, gets the first's job, another body the
     * key-reused refusal, and a first request (the common case) pays no lookup before its claim.
     * Then an operator's pause and the provider's availability (before cooldown, cap and credits: SPEC's order), the limits
     * and hold, the job, its cooldown and its task. A replay or a refusal rolls back, the claim
     * included (a refusal is not stored, so a retry is evaluated afresh): nothing is written.
     *
     * <p>Evidence: {@code AcceptBorrowsTest} counts two borrows per generate POST (the token's and
     * this transaction's) with or without a key, replays included (were three without a key, four
     * with one), and a key costs one statement, its claim; {@code IdempotentAcceptTest} holds the
     * key's rules under concurrent repeats and while the provider is unavailable.
     */
    private AcceptOutcome decide(
            long userId,
            GenerationSpec spec,
            PricedRequest req,
            Job job,
            AcceptKeys.Key k,
            Instant now,
            Instant taskDue) {
        return tx.execute(status -> {
            // a repeat's answer or a refusal: this request stores nothing
            Optional<AcceptOutcome> answered = keys.claimOrReplay(userId, job, k, now)
                    .or(() -> paused(spec))
                    .or(() -> availability
                            .refusalRetryAfter()
                            .map(down -> new AcceptOutcome.ProviderUnavailable(down, FailureReasons.PROVIDER_DOWN)))
                    .or(() -> checkLimitsAndHold(userId, req, job, now));
            if (answered.isPresent()) {
                status.setRollbackOnly();
                return answered.get();
            }
            jobs.insert(job);
            Duration cooldown = props.limits().cooldown().of(req.type());
            if (!cooldown.isZero()) {
                limits.startCooldown(userId, req.type(), now.plus(cooldown));
            }
            // Same transaction (db-scheduler's DataSource is transaction-aware): no job without its task;
            // a new id has no task yet, so a plain insert (schedule() would look for one first).
            scheduler
                    .getObject()
                    .scheduleBatch(List.<TaskInstance<?>>of(jobTask.instance(job.id(), job.id())), taskDue);
            return new AcceptOutcome.Accepted(job.view(), false);
        });
    }

    /**
     * An operator's pause of generation or of the model (a platform switch, cached about a second):
     * after bad input and, for a request with an Idempotency-Key, after the key's replay (a repeat of
     * a request accepted before the pause answers as the first did: its job holds credits and runs),
     * before anything is held or stored. A retry of a failed job is refused the same way.
     */
    private Optional<AcceptOutcome> paused(GenerationSpec spec) {
        return switches.paused(Switches.GENERATION, Switches.model(spec.model()))
                .map(p -> new AcceptOutcome.Paused(p.message(), p.retryAfter()));
    }

    /** The refusal of a request whose reference images could not be checked now. */
    private static AcceptOutcome unchecked(ReferenceCheck references) {
        if (references instanceof ReferenceCheck.TimedOut t) {
            return new AcceptOutcome.Invalid("imageUrls[" + t.index() + "]", t.reason(), true);
        }
        if (references instanceof ReferenceCheck.Busy b) {
            return new AcceptOutcome.ReferenceChecksBusy(b.retryAfter());
        }
        throw new IllegalStateException("not a check that could not be made: " + references);
    }

    /** A refusal, or empty when the request is within its limits and its price is now held. */
    private Optional<AcceptOutcome> checkLimitsAndHold(long userId, PricedRequest req, Job job, Instant now) {
        LimitStore.LockedRow row = limits.lockLimits(userId, req.type());
        if (row.closed()) {
            // deleted while this request, authenticated before, was under way
            return Optional.of(new AcceptOutcome.AccountDeleted());
        }
        Optional<Instant> cooldownUntil = row.cooldownUntil();
        if (cooldownUntil.isPresent() && cooldownUntil.get().isAfter(now)) {
            return Optional.of(new AcceptOutcome.CoolingDown(req.type(), Duration.between(now, cooldownUntil.get())));
        }
        int cap = props.limits().inFlight().of(req.type());
        if (cap > 0 && jobs.countInFlight(userId, req.type()) >= cap) {
            Duration retry = req.type() == AssetType.VIDEO ? Duration.ofMinutes(1) : Duration.ofSeconds(10);
            return Optional.of(new AcceptOutcome.TooManyInFlight(
                    req.type(), cap, retry, jobs.firstDeadlineInFlight(userId, req.type())));
        }
        Duration ttl = Duration.between(now, job.deadlineAt()).plus(props.jobs().holdMargin());
        ReserveResult reserved = ledger.reserve(userId, req.credits(), job.id(), ttl);
        if (reserved instanceof ReserveResult.InsufficientCredits ic) {
            return Optional.of(new AcceptOutcome.NotEnoughCredits(ic.needed(), ic.available(), ic.debt()));
        }
        if (reserved instanceof ReserveResult.Reserved) {
            return Optional.empty();
        }
        throw new IllegalStateException("unexpected reserve outcome for job " + job.id() + ": " + reserved);
    }

    private Job newJob(long userId, PricedRequest req, Instant now) {
        // the stored options are the client's input as accepted, reference images included, so that
        // "try again" (Retries) asks for the same thing
        Map<String, Object> options = new LinkedHashMap<>(req.options());
        if (!req.imageUrls().isEmpty()) {
            options.put(StoredOptions.IMAGE_URLS, req.imageUrls());
        }
        Job.Request request = new Job.Request(
                userId,
                req.type(),
                req.model(),
                req.prompt(),
                json.writeValueAsString(options),
                req.providerModel(),
                json.writeValueAsString(req.providerInput()),
                req.credits());
        Duration deadline = props.jobs().deadline().of(req.type());
        return Job.accepted("gen_" + randomToken(15), request, randomToken(24), now, now.plus(deadline));
    }

    private static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
