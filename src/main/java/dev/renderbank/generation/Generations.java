package dev.renderbank.generation;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import dev.renderbank.catalog.Catalog;
import dev.renderbank.catalog.GenerationSpec;
import dev.renderbank.catalog.PricedRequest;
import dev.renderbank.catalog.Pricing;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.ReserveResult;
import dev.renderbank.storage.ReferenceHosts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * Generation jobs: accept (validate, price, limit, hold, persist, schedule — in one transaction,
 * provider called only after commit), status, listing, provider callbacks.
 */
@Service
public class Generations {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Catalog catalog;
    private final Ledger ledger;
    private final JobStore store;
    private final JobDriver driver;
    private final JobFinisher finisher;
    private final ProviderAvailability availability;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final CustomTask<String> jobTask;
    private final TransactionTemplate tx;
    private final GenerationProperties props;
    private final Clock clock;
    private final ObjectMapper json;
    private final ReferenceHosts referenceHosts;

    Generations(
            Catalog catalog,
            Ledger ledger,
            JobStore store,
            JobDriver driver,
            JobFinisher finisher,
            ProviderAvailability availability,
            ObjectProvider<SchedulerClient> scheduler,
            CustomTask<String> generationJobTask,
            TransactionTemplate tx,
            GenerationProperties props,
            Clock clock,
            ObjectMapper json,
            ReferenceHosts referenceHosts) {
        this.catalog = catalog;
        this.ledger = ledger;
        this.store = store;
        this.driver = driver;
        this.finisher = finisher;
        this.availability = availability;
        this.scheduler = scheduler;
        this.jobTask = generationJobTask;
        this.tx = tx;
        this.props = props;
        this.clock = clock;
        this.json = json;
        this.referenceHosts = referenceHosts;
    }

    /**
     * Refusals in SPEC order, cheapest first: bad input (reference images on private or metadata
     * hosts included), provider unavailable, cooldown or in-flight cap, credits. None of them holds
     * or writes anything.
     */
    public AcceptOutcome accept(long userId, GenerationSpec spec, String idempotencyKey) {
        Pricing pricing = catalog.price(spec);
        if (pricing instanceof Pricing.Invalid inv) {
            return new AcceptOutcome.Invalid(inv.field(), inv.message(), inv.unprocessable());
        }
        PricedRequest req = ((Pricing.Priced) pricing).request();
        for (int i = 0; i < req.imageUrls().size(); i++) {
            Optional<String> refused = referenceHosts.refusal(req.imageUrls().get(i));
            if (refused.isPresent()) {
                return new AcceptOutcome.Invalid("imageUrls[" + i + "]", refused.get(), true);
            }
        }
        String endpoint = "generate-" + req.type().label();
        String hash = requestHash(spec);
        if (idempotencyKey != null) {
            // A replay of an accepted request answers as the first did, whatever the limits say now.
            Optional<AcceptOutcome> replay = replay(userId, endpoint, idempotencyKey, hash);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        Optional<Duration> down = availability.refusalRetryAfter();
        if (down.isPresent()) {
            return new AcceptOutcome.ProviderUnavailable(down.get(), JobDriver.PROVIDER_DOWN_MESSAGE);
        }
        Instant now = clock.instant();
        Job job = newJob(userId, req, now);
        AcceptOutcome outcome = tx.execute(status -> {
            if (idempotencyKey != null
                    && !store.claimIdempotencyKey(userId, endpoint, idempotencyKey, hash, job.id(), now)) {
                status.setRollbackOnly();
                return null; // a concurrent first request committed meanwhile: answer as it did
            }
            AcceptOutcome refusal = checkLimitsAndHold(userId, req, job, now);
            if (refusal != null) {
                status.setRollbackOnly();
                return refusal;
            }
            store.insert(job);
            Duration cooldown = props.limits().cooldown().of(req.type());
            if (!cooldown.isZero()) {
                store.startCooldown(userId, req.type(), now.plus(cooldown));
            }
            // Same transaction (db-scheduler's DataSource is transaction-aware): no job without its task.
            scheduler.getObject().schedule(jobTask.instance(job.id(), job.id()), now);
            return new AcceptOutcome.Accepted(job, false);
        });
        if (outcome == null) {
            return replay(userId, endpoint, idempotencyKey, hash).orElseThrow();
        }
        return outcome;
    }

    private AcceptOutcome checkLimitsAndHold(long userId, PricedRequest req, Job job, Instant now) {
        Optional<Instant> cooldownUntil = store.lockLimits(userId, req.type());
        if (cooldownUntil.isPresent() && cooldownUntil.get().isAfter(now)) {
            return new AcceptOutcome.CoolingDown(req.type(), Duration.between(now, cooldownUntil.get()));
        }
        int cap = props.limits().inFlight().of(req.type());
        if (cap > 0 && store.countInFlight(userId, req.type()) >= cap) {
            Duration retry = req.type() == dev.renderbank.catalog.AssetType.VIDEO
                    ? Duration.ofMinutes(1)
                    : Duration.ofSeconds(10);
            return new AcceptOutcome.TooManyInFlight(req.type(), cap, retry);
        }
        Duration ttl = Duration.between(now, job.deadlineAt()).plus(props.jobs().holdMargin());
        ReserveResult reserved = ledger.reserve(userId, req.credits(), job.id(), ttl);
        if (reserved instanceof ReserveResult.InsufficientCredits ic) {
            return new AcceptOutcome.NotEnoughCredits(ic.needed(), ic.available(), ic.debt());
        }
        return null;
    }

    private Optional<AcceptOutcome> replay(long userId, String endpoint, String key, String hash) {
        Instant notBefore = clock.instant().minus(Duration.ofHours(24));
        return store.idempotencyHit(userId, endpoint, key, notBefore)
                .map(hit -> hit.requestHash().equals(hash)
                        ? new AcceptOutcome.Accepted(store.find(hit.jobId()).orElseThrow(), true)
                        : new AcceptOutcome.KeyReusedWithDifferentRequest(key));
    }

    private Job newJob(long userId, PricedRequest req, Instant now) {
        String id = "gen_" + randomToken(15);
        Duration deadline = props.jobs().deadline().of(req.type());
        return new Job(
                id,
                userId,
                req.type(),
                req.model(),
                req.prompt(),
                json.writeValueAsString(req.options()),
                req.providerModel(),
                json.writeValueAsString(req.providerInput()),
                req.credits(),
                JobState.RESERVED,
                null,
                randomToken(24),
                0,
                null,
                null,
                0,
                null,
                false,
                null,
                0,
                1,
                now,
                null,
                null,
                now.plus(deadline));
    }

    /** The caller's job; another user's job is indistinguishable from a missing one. */
    public Optional<Job> find(long userId, String jobId) {
        return store.find(jobId).filter(j -> j.userId() == userId);
    }

    public JobPage list(long userId, String status, String cursor, int limit) {
        if (limit < 1 || limit > 100) {
            throw new IllegalArgumentException("limit must be between 1 and 100");
        }
        String states = status == null || status.isBlank() ? null : statesFor(status);
        Instant beforeCreated = Instant.parse("9999-12-31T00:00:00Z");
        String beforeId = "";
        if (cursor != null && !cursor.isBlank()) {
            try {
                String[] parts =
                        new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|", 2);
                beforeCreated = Instant.parse(parts[0]);
                beforeId = parts[1];
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cursor is not one this API returned");
            }
        } else {
            beforeId = "\uffff";
        }
        List<Job> rows = store.page(userId, states, beforeCreated, beforeId, limit + 1);
        if (rows.size() <= limit) {
            return new JobPage(rows, null);
        }
        List<Job> page = rows.subList(0, limit);
        Job last = page.get(limit - 1);
        String next = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((last.createdAt() + "|" + last.id()).getBytes(StandardCharsets.UTF_8));
        return new JobPage(List.copyOf(page), next);
    }

    private static String statesFor(String status) {
        return switch (status) {
            case "queued" -> "RESERVED,SUBMITTED";
            case "processing" -> "RUNNING,UNKNOWN";
            case "completed" -> "SUCCEEDED";
            case "failed" -> "FAILED";
            default ->
                throw new IllegalArgumentException("status must be one of queued, processing, completed, failed");
        };
    }

    public record JobPage(List<Job> items, String nextCursor) {}

    /**
     * A provider callback: only a hint. The per-job token must match; then the task is confirmed by
     * querying the provider before anything changes. Returns false when the token is wrong.
     */
    public boolean onProviderCallback(String jobId, String token, String providerTaskId) {
        Optional<Job> found = store.find(jobId);
        if (found.isEmpty()
                || token == null
                || !MessageDigest.isEqual(
                        found.get().callbackToken().getBytes(StandardCharsets.UTF_8),
                        token.getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        Job job = found.get();
        if (job.providerTaskId() == null
                && providerTaskId != null
                && !providerTaskId.isBlank()
                && (job.state() == JobState.UNKNOWN || job.state() == JobState.RESERVED)) {
            // The callback URL carries our id: this is how an UNKNOWN submit learns its task.
            store.markSubmitted(job.id(), providerTaskId, clock.instant());
            job = store.find(jobId).orElseThrow();
        }
        if (job.state() == JobState.FAILED) {
            if (job.providerTaskId() == null && providerTaskId != null && !providerTaskId.isBlank()) {
                // failed (deadline) before we learned its task: the callback still names it
                store.recordTaskOfFailedJob(job.id(), providerTaskId, clock.instant());
                job = store.find(jobId).orElseThrow();
            }
            driver.checkLateDelivery(job);
        } else if (!job.state().isTerminal() && job.providerTaskId() != null) {
            driver.poll(job, clock.instant());
        }
        return true;
    }

    /**
     * Cancels the caller's job if the provider has not been asked yet (SPEC section 4: KIE cannot
     * cancel, so a job at the provider runs to its end). Empty when there is no such job.
     */
    public Optional<Boolean> cancel(long userId, String jobId) {
        return find(userId, jobId).map(finisher::cancel);
    }

    /** Jobs still in flight that were accepted before {@code before}, oldest first (operators). */
    public List<Job> liveAcceptedBefore(Instant before, int limit) {
        return store.liveCreatedBefore(before, limit);
    }

    /** A stored output, only to the user who owns it. */
    public Optional<AssetRef> asset(long userId, String assetId) {
        return store.asset(assetId)
                .filter(a -> a.userId() == userId)
                .map(a -> new AssetRef(a.id(), a.storageKey(), a.contentType(), a.size()));
    }

    public record AssetRef(String id, String storageKey, String contentType, long size) {}

    static String requestHash(GenerationSpec spec) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(spec.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String randomToken(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
