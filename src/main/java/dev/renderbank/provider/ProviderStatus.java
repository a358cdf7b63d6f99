package dev.renderbank.provider;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.provider.Availability.State;
import dev.renderbank.provider.internal.BalanceMonitor;
import dev.renderbank.provider.internal.ProviderProperties;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The provider-availability state every node shares (one database row). Trips and clears are
 * conditional updates: only the call that makes the transition alerts operators, so a storm of
 * 402s from many jobs on many nodes raises one alert. The gateway trips it by itself on 402 and
 * 401 answers; {@link BalanceMonitor} clears it when a balance check shows enough credits again.
 *
 * <p>Enough is at least {@code renderbank.provider.balance.resume-threshold} and at least the
 * provider cost of the dearest task refused since the state was last clear: a balance that pays for
 * an image but not for the video the provider refused keeps the state, instead of letting requests
 * in that the provider refuses again a minute later. Where that cost is not known (a model without
 * {@code task-costs}, a task refused mid-way), the balance read just after the provider refused is
 * kept ({@code refused_at_balance}): the provider said that was not enough, so the state clears only
 * on a higher reading (a top-up), never on the same balance a minute later. Every trip counts up {@code trip_epoch}; a
 * balance check clears only if the count is still what it read before asking the provider, so a
 * reading taken before a 402 and answered after it never clears the trip that 402 made. An operator
 * may resume it whatever the balance ({@link #resumeByOperator}); the next refusal trips it again.
 *
 * <p>This class is the module's word on availability and says when the state moves and what
 * operators are told; the row's conditional updates are {@link AvailabilityTransitions}, refusals and
 * disabled features that change no state are {@link ProviderNotices}.
 */
@Service
public class ProviderStatus {

    /** The longest detail kept on the status row (it quotes the provider's answer, which may hold a NUL). */
    static final int MAX_DETAIL = 2000;

    private final AvailabilityTransitions transitions;
    private final ProviderNotices notices;
    private final JdbcClient jdbc;
    private final Duration recheckInterval;
    private final long lowBalanceThreshold;

    ProviderStatus(
            AvailabilityTransitions transitions,
            ProviderNotices notices,
            JdbcClient jdbc,
            ProviderProperties properties) {
        this.transitions = transitions;
        this.notices = notices;
        this.jdbc = jdbc;
        this.recheckInterval = properties.balance().recheckInterval();
        this.lowBalanceThreshold = properties.balance().lowThreshold();
    }

    public Availability current() {
        return jdbc.sql("select state, since, detail from provider_status where id = 1")
                .query((rs, n) -> {
                    State state = State.valueOf(rs.getString("state"));
                    return new Availability(
                            state,
                            rs.getObject("since", OffsetDateTime.class).toInstant(),
                            rs.getString("detail"),
                            state == State.AVAILABLE ? Duration.ZERO : recheckInterval);
                })
                .single();
    }

    /**
     * The provider is out of credits, cost of what it refused unknown (a task refused mid-way, or a
     * balance reading below the resume threshold): the state clears at the resume threshold (or at
     * the cost of a task refused before, if that is more). Returns true for the call that made the
     * transition (and alerted).
     */
    public boolean tripExhausted(String detail) {
        return tripExhausted(detail, 0);
    }

    /**
     * The provider is out of credits: it refused a task that costs {@code refusedTaskCost} of its
     * credits (0: unknown), so the state clears only at a balance of at least that (and at least the
     * resume threshold). Returns true for the call that made the transition (and alerted).
     */
    public boolean tripExhausted(String detail, long refusedTaskCost) {
        return transitions.trip(
                State.EXHAUSTED,
                detail,
                Math.max(0, refusedTaskCost),
                false,
                AlertKind.PROVIDER_EXHAUSTED,
                exhaustedMessage(detail));
    }

    private static String exhaustedMessage(String detail) {
        return "The generation provider is out of credits (" + detail + "). New generation requests are refused"
                + " with 503 and accepted jobs wait until a balance check shows credits again. Top up the"
                + " provider account.";
    }

    /** The provider refused our API key. Returns true for the call that made the transition (and alerted). */
    public boolean tripUnauthorized(String detail) {
        return transitions.trip(
                State.UNAUTHORIZED,
                detail,
                0,
                false,
                AlertKind.PROVIDER_UNAUTHORIZED,
                "The generation provider refused our API key (" + detail + "). New generation requests are"
                        + " refused with 503 until a balance check succeeds. Check renderbank.provider.kie.api-key.");
    }

    /** Back to AVAILABLE whatever the balance. True if it was tripped. */
    public boolean clear(String detail) {
        return transitions.clear(detail);
    }

    /**
     * An operator's resume: back to AVAILABLE whatever the balance, in the caller's transaction (the
     * audit record of the resume commits with it, or neither does). Until the provider refuses again
     * (a 402 or 401 trips the state as always) or a balance reading is enough again, a low reading does
     * not trip the state: the operator resumed because they know better than that reading (a top-up
     * the balance endpoint does not show yet, a threshold set wrong), and a check every few minutes
     * would otherwise undo the resume. True for the call that resumed it (and alerted); false when the
     * provider was available already.
     */
    public boolean resumeByOperator(String detail) {
        return transitions.resumeByOperator(detail);
    }

    /**
     * A balance reading below the resume threshold: trips the exhausted state like {@link
     * #tripExhausted(String)}, unless an operator resumed the provider since its last refusal ({@link
     * #resumeByOperator}). True for the call that made the transition.
     */
    public boolean tripOnLowReading(String detail) {
        return transitions.trip(
                State.EXHAUSTED, detail, 0, true, AlertKind.PROVIDER_EXHAUSTED, exhaustedMessage(detail));
    }

    /**
     * A balance reading at or above the resume threshold: the balance check agrees with the
     * operator's resume again, so from now on its low readings trip the state as before.
     */
    public void readingEnough() {
        transitions.readingEnough();
    }

    /**
     * How many trips there have been: read before asking the provider for its balance, and handed to
     * {@link #resume} with the answer.
     */
    public long tripEpoch() {
        return transitions.tripEpoch();
    }

    /**
     * Back to AVAILABLE if a balance reading of {@code credits}, asked for when the trip count was
     * {@code epochBefore}, is enough: no trip came in between (else the reading may predate the
     * provider's refusal), and the credits pay for the dearest task refused since the state was clear
     * and reach the resume threshold. One conditional statement, so a trip that commits while it
     * waits for the row makes it match nothing. True for the call that cleared it (and alerted).
     */
    public boolean resume(long epochBefore, long credits, String detail) {
        return transitions.resume(epochBefore, credits, detail);
    }

    /**
     * The provider refused a task with {@code credits} left (read just after the refusal): while the
     * state stays exhausted it clears only on a higher reading. Recorded whatever trips came since
     * (in a storm of 402s every refusal trips again, and the balance read after any of them is one the
     * provider refused with); nothing once the state has cleared.
     */
    public void noteBalanceAtRefusal(long credits) {
        transitions.noteBalanceAtRefusal(credits);
    }

    /**
     * The balance at which the state clears: the resume threshold, the cost of the dearest task the
     * provider refused since the state was last clear, or one more than the balance read when it
     * refused, whichever is most.
     */
    public long resumesAt() {
        return transitions.resumesAt();
    }

    /**
     * A refusal that changes no state but tells operators something: the provider rate-limits us
     * (429) or is in maintenance (455). Only the last one is kept; jobs wait and retry meanwhile.
     */
    public void noteRefusal(int code, String detail) {
        notices.noteRefusal(code, detail);
    }

    /** The last 429 or 455 the provider answered, if any. */
    public Optional<Refusal> lastRefusal() {
        return notices.lastRefusal();
    }

    public record Refusal(int code, Instant at, String detail) {}

    /**
     * The provider answered 505: a feature (model) we offer is disabled there. Jobs that need it fail;
     * operators are told so they can pause the model ({@code switches set model:<id> paused}).
     */
    public void featureDisabled(String detail) {
        notices.featureDisabled(detail);
    }

    /**
     * recordInfo answered 505 for a job's task: the feature the job uses is disabled at the provider,
     * so the job cannot be followed. Operators are told once per job (however often its polls and
     * callbacks meet the answer), with the same alert kind as a createTask 505.
     */
    public void featureDisabledForJob(String jobId, String providerTaskId, String providerModel, String detail) {
        notices.featureDisabledForJob(jobId, providerTaskId, providerModel, detail);
    }

    /** The provider's credits at the last balance check (the monitor's row), empty if never read. */
    public java.util.OptionalLong lastKnownBalance() {
        Long credits = jdbc.sql("select credits from provider_balance where id = 1")
                .query(Long.class)
                .optional()
                .orElse(null);
        return credits == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(credits);
    }

    /** The last balance read and its time, and whether (since when, why) the checks fail now. */
    public BalanceReading balanceReading() {
        return jdbc.sql(
                        "select credits, checked_at, check_failed_since, check_error from provider_balance where id = 1")
                .query((rs, n) -> new BalanceReading(
                        rs.getObject("credits", Long.class),
                        dev.renderbank.platform.SqlTime.instant(rs, "checked_at"),
                        dev.renderbank.platform.SqlTime.instant(rs, "check_failed_since"),
                        rs.getString("check_error")))
                .optional()
                .orElse(new BalanceReading(null, null, null, null));
    }

    /** {@code renderbank.provider.balance.low-threshold}: below it operators are alerted. */
    public long lowBalanceThreshold() {
        return lowBalanceThreshold;
    }
}
