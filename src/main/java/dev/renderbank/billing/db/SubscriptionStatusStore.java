package dev.renderbank.billing.db;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * A subscription's status as last reported ({@code billing_subscription}): each change carries the
 * event's own time and never overwrites a newer one, so events that arrive out of order cannot
 * resurrect a cancelled subscription. The rest of the subscription: {@link SubscriptionStore}.
 */
@Repository
public class SubscriptionStatusStore {

    private final JdbcClient jdbc;

    SubscriptionStatusStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Applies a status reported at {@code at}; false when a newer status is already recorded. The end
     * it sets may be later than the one recorded, or none (a cancellation undone): the subscription's
     * periods whose months stopped at the old end are looked at again, since the event that cleared the
     * end may come after a renewal it allowed (Stripe does not order webhooks); the monthly grants
     * decide again, and a period that must stay stopped (replaced, disputed, ended) stops again.
     */
    public boolean applyStatus(String provider, String id, String status, Instant endsAt, Instant at) {
        boolean applied = jdbc.sql("""
                                update billing_subscription set status = :status, ends_at = :endsAt, status_at = :at,
                                                                ended_at_once = false
                                 where provider = :provider and subscription_id = :id and status_at <= :at
                                   and """ + NOT_ENDED_UNPAID)
                        .param("status", status)
                        .param("endsAt", ts(endsAt))
                        .param("at", ts(at))
                        .param("provider", provider)
                        .param("id", id)
                        .update()
                == 1;
        if (applied) {
            jdbc.sql("""
                            update billing_subscription_period set next_grant_at = :at
                             where provider = :provider and subscription_id = :id
                               and months_granted < months and next_grant_at is null""")
                    .param("at", ts(at))
                    .param("provider", provider)
                    .param("id", id)
                    .update();
        }
        return applied;
    }

    /**
     * The first payment of a subscription with no paid period was made (reported at {@code at}): a
     * subscription recorded with its payment pending ({@code payment_pending}, Stripe's {@code
     * incomplete}) is active. False when it was not pending or a newer status is recorded; a plan
     * ended {@code payment_failed} stays ended (it is cancelled at its provider: a payment collected
     * after all is a period paid after the end, {@link SubscriptionStore#recordPaidPeriod}).
     */
    public boolean firstPaymentMade(String provider, String id, Instant at) {
        return jdbc.sql("""
                                update billing_subscription set status = 'active', status_at = :at
                                 where provider = :provider and subscription_id = :id and status_at <= :at
                                   and status in ('payment_pending', 'incomplete')""")
                        .param("at", ts(at))
                        .param("provider", provider)
                        .param("id", id)
                        .update()
                == 1;
    }

    /**
     * The first payment of a subscription failed (reported at {@code at}) while no period of it is
     * paid: it never started, {@code payment_failed} (ended: a plan can be bought again), and its
     * cancellation at the provider is due ({@link #unpaidCancelDue}). True when
     * it is so now (also when it was already); false when a period is paid, it ended otherwise
     * (canceled, expired), a newer status is recorded, or its status is not one of {@code pending}.
     *
     * @param pending the statuses the failure ends: a checkout session's delayed payment failing
     *     ends Stripe's {@code incomplete} too; an invoice's failed payment only {@code payment_pending}
     *     (a session that completed unpaid), since a card declined inside Stripe Checkout fails the
     *     first invoice of an {@code incomplete} subscription while the buyer may still pay with
     *     another card in the same session
     */
    public boolean firstPaymentFailed(String provider, String id, Instant at, List<String> pending) {
        return jdbc.sql("""
                                update billing_subscription set status = 'payment_failed', status_at = :at,
                                       provider_cancel = coalesce(provider_cancel, 'due')
                                 where provider = :provider and subscription_id = :id and status_at <= :at
                                   and period_end is null
                                   and status in (:pending)""")
                        .param("at", ts(at))
                        .param("provider", provider)
                        .param("id", id)
                        .param("pending", pending)
                        .update()
                == 1;
    }

    /**
     * Ended by the provider at once at {@code endedAt} (reported at {@code at}), not at the end of its
     * paid period: access ends then. Periods paid with money keep their months (MonthlyGrants); a late
     * report of a period does not move this end ({@link SubscriptionStore#recordPaidPeriod}).
     * False when a newer status is recorded.
     */
    public boolean endAtOnce(String provider, String id, Instant endedAt, Instant at) {
        return jdbc.sql("""
                                update billing_subscription
                                   set status = 'canceled', ends_at = :endedAt, status_at = :at, ended_at_once = true
                                 where provider = :provider and subscription_id = :id and status_at <= :at""")
                        .param("endedAt", ts(endedAt))
                        .param("at", ts(at))
                        .param("provider", provider)
                        .param("id", id)
                        .update()
                == 1;
    }

    /**
     * Cancelled by its owner at {@code at}: grants stop at the end of the paid period as the row
     * records it when this statement runs (a renewal that committed meanwhile is waited for and
     * seen), or at once if that has passed. Unless a newer status is recorded.
     */
    public boolean cancelAtPeriodEnd(String provider, String id, Instant at) {
        return jdbc.sql("""
                                update billing_subscription
                                   set status = 'canceled', status_at = :at, ended_at_once = false,
                                       ends_at = case when period_end > :at then period_end else :at end
                                 where provider = :provider and subscription_id = :id and status_at <= :at""")
                        .param("at", ts(at))
                        .param("provider", provider)
                        .param("id", id)
                        .update()
                == 1;
    }

    /**
     * Applies a status reported at {@code at} that says nothing about when grants stop (expired,
     * past due, unpaid, paused): the recorded end stays. False when a newer status is recorded.
     */
    public boolean applyStatusKeepingEnd(String provider, String id, String status, Instant at) {
        return jdbc.sql("""
                                update billing_subscription set status = :status, status_at = :at
                                 where provider = :provider and subscription_id = :id and status_at <= :at
                                   and """ + NOT_ENDED_UNPAID)
                        .param("status", status)
                        .param("at", ts(at))
                        .param("provider", provider)
                        .param("id", id)
                        .update()
                == 1;
    }

    /**
     * A plan ended here because its first payment failed is being (or was) cancelled at its provider:
     * a status the provider reports meanwhile ({@code past_due}, {@code incomplete}, {@code active} as
     * its retry is collected) does not make it run again; only an end is recorded ({@code :status}
     * canceled or incomplete_expired). The deletion its cancellation causes: {@link #endAtOnce}.
     */
    private static final String NOT_ENDED_UNPAID =
            "(provider_cancel is null or :status in ('canceled', 'incomplete_expired'))";

    /**
     * Its cancellation at the provider is still to be made: its first payment failed ({@link
     * #firstPaymentFailed}) and the provider has not confirmed the cancel yet.
     */
    public boolean unpaidCancelDue(String provider, String id) {
        return jdbc.sql("""
                                select count(*) from billing_subscription
                                 where provider = :provider and subscription_id = :id and provider_cancel = 'due'""")
                        .param("provider", provider)
                        .param("id", id)
                        .query(Long.class)
                        .single()
                == 1;
    }

    /**
     * Its first payment failed and it was ended here ({@code payment_failed}), whatever it is now: its
     * cancellation at the provider is due or confirmed.
     */
    public boolean endedUnpaid(String provider, String id) {
        return jdbc.sql("""
                                select count(*) from billing_subscription
                                 where provider = :provider and subscription_id = :id
                                   and provider_cancel is not null""")
                        .param("provider", provider)
                        .param("id", id)
                        .query(Long.class)
                        .single()
                == 1;
    }

    /** A subscription whose cancellation at its provider is due ({@link #unpaidCancelsDue}). */
    public record CancelDue(long userId, String provider, String subscriptionId) {}

    /**
     * The subscriptions whose cancellation at the provider is still to be made ({@code provider_cancel
     * = 'due'}): the plans whose first payment failed and whose provider has not confirmed the cancel.
     * At most {@code limit}, in the order of provider and id, after {@code after} (null: from the
     * first), so a caller reads them in bounded pages.
     */
    public List<CancelDue> unpaidCancelsDue(CancelDue after, int limit) {
        return jdbc.sql("""
                        select user_id, provider, subscription_id from billing_subscription
                         where provider_cancel = 'due'
                           and (provider, subscription_id) > (:provider, :id)
                         order by provider, subscription_id
                         limit :limit""")
                .param("provider", after == null ? "" : after.provider())
                .param("id", after == null ? "" : after.subscriptionId())
                .param("limit", limit)
                .query((rs, n) ->
                        new CancelDue(rs.getLong("user_id"), rs.getString("provider"), rs.getString("subscription_id")))
                .list();
    }

    /** The provider cancelled it (or said it had already ended or does not exist): nothing left to ask. */
    public void unpaidCancelConfirmed(String provider, String id) {
        jdbc.sql("""
                        update billing_subscription set provider_cancel = 'confirmed'
                         where provider = :provider and subscription_id = :id and provider_cancel = 'due'""").param("provider", provider).param("id", id).update();
    }
}
