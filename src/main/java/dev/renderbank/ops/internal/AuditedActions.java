package dev.renderbank.ops.internal;

import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.OperatorAction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs an operator action and its audit record in one transaction. The record claims the
 * operator's idempotency key first (a key is scoped to its operator and action): a repeat (double
 * submit, retried command) returns the first record and does nothing; a refusal rolls everything
 * back, the claim included.
 */
@Component
public class AuditedActions {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final AuditLog log;
    private final TransactionTemplate tx;
    private final Clock clock;

    AuditedActions(AuditLog log, TransactionTemplate tx, Clock clock) {
        this.log = log;
        this.tx = tx;
        this.clock = clock;
    }

    /** What the action is, by whom and why; {@code amount} only for actions that move credits. */
    public record Request(String actor, String action, String target, String reason, Long amount, String key) {
        public Request {
            OperatorReason.actorProblem(actor).ifPresent(p -> {
                throw new IllegalArgumentException("actor " + p);
            });
            check("reason", reason, OperatorReason.MAX);
            OperatorReason.problem(reason).ifPresent(p -> {
                throw new IllegalArgumentException("reason " + p);
            });
            OperatorReason.keyProblem(key).ifPresent(p -> {
                throw new IllegalArgumentException("Idempotency-Key " + p);
            });
        }
    }

    /** What the body of an action reports. */
    public sealed interface Step {
        record Applied(Map<String, Object> before, Map<String, Object> after) implements Step {}

        record Refuse(ActionResult result) implements Step {}
    }

    public ActionResult run(Request r, Supplier<Step> body) {
        return run(r, id -> body.get());
    }

    /**
     * As {@link #run(Request, Supplier)}, the body given the id of the action's audit record: unique
     * per action (an operator's key is not: another operator may choose the same), so the key of
     * anything the action writes elsewhere (a ledger entry, an email) is built from it.
     */
    public ActionResult run(Request r, LongFunction<Step> body) {
        return tx.execute(status -> {
            Optional<Long> id =
                    log.claim(r.actor(), r.action(), r.target(), r.reason(), r.amount(), r.key(), clock.instant());
            if (id.isEmpty()) {
                return answerToRepeat(
                        r,
                        log.byKey(r.actor(), r.action(), r.key())
                                .orElseThrow(() -> new IllegalStateException("claimed key " + r.key() + " vanished")));
            }
            Step step = body.apply(id.get());
            if (step instanceof Step.Refuse refuse) {
                status.setRollbackOnly();
                return refuse.result();
            }
            Step.Applied applied = (Step.Applied) step;
            log.complete(id.get(), JSON.writeValueAsString(applied.before()), JSON.writeValueAsString(applied.after()));
            return new ActionResult.Done(log.byId(id.get()).orElseThrow(), false);
        });
    }

    /**
     * What {@link #run} would answer at once because the request's key is taken already (the first
     * record, or "key-reused" for a different target or amount), if it is. For an action with an effect
     * before {@link #run} (a repair that has the provider's object processed first): a key taken by
     * another action then moves nothing. A key claimed after this check is still answered by {@link #run}.
     */
    public Optional<ActionResult> answeredByKey(Request r) {
        return log.byKey(r.actor(), r.action(), r.key()).map(prior -> answerToRepeat(r, prior));
    }

    private static ActionResult answerToRepeat(Request r, OperatorAction prior) {
        if (!prior.target().equals(r.target()) || !Objects.equals(prior.amount(), r.amount())) {
            return new ActionResult.Refused(
                    "key-reused",
                    "The Idempotency-Key " + r.key() + " was used for a different " + r.action() + " (" + prior.target()
                            + "); send a new key");
        }
        return new ActionResult.Done(prior, true);
    }

    /**
     * The action this operator recorded under this key, if any (for actions whose effect happens
     * outside {@link #run}).
     */
    public Optional<OperatorAction> recorded(String actor, String action, String key) {
        return log.byKey(actor, action, key);
    }

    /**
     * The key this operator's action (the same action, target, amount and reason) was recorded
     * under since {@code since}, among keys starting with {@code keyPrefix}: for a command that derives
     * its key, so that a retry within the window is the action it repeats, whatever day it is now.
     */
    public Optional<String> keyOfSame(
            String actor, String action, String target, Long amount, String reason, String keyPrefix, Instant since) {
        return log.keyOfSame(actor, action, target, amount, reason, keyPrefix, since);
    }

    /**
     * Credits this operator granted or forgave (debt waivers) on the UTC day the action {@code
     * actionId} was claimed on, this claim included if it is a grant (a waiver's own amount is known
     * only once its body has read the debt), after taking the lock that serializes the operator's grants of that day. The
     * day is the claim's, not the clock's now: a grant claimed at 23:59:59.999 and checked after
     * midnight counts against the day its record says, so it cannot slip past both days' caps.
     */
    public long givenOnClaimDay(String actor, long actionId) {
        Instant claimed = log.byId(actionId)
                .orElseThrow(() -> new IllegalStateException("claimed action " + actionId + " vanished"))
                .createdAt();
        Instant dayStart = lockOperatorDay(actor, claimed);
        return log.givenBetween(actor, dayStart, dayStart.plus(Duration.ofDays(1)));
    }

    /** Takes the lock that serializes one operator's grants on the UTC day of {@code at}; its start. */
    public Instant lockOperatorDay(String actor, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        log.lockOperatorDay(actor, day.toString());
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static void check(String name, String value, int max) {
        if (value == null || value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException(name + " is required (1 to " + max + " characters)");
        }
    }
}
