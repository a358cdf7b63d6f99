package dev.renderbank.billing.db;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of reconciliation's questions about open checkouts ({@code billing_checkout.provider_answer},
 * {@code provider_checked_at}): what the provider last said about each, and when. A provider that
 * cannot list what changed is asked checkout by checkout from a capped number of calls, so the calls
 * go where a paid checkout whose webhook was lost is most likely: a checkout the provider reports
 * expired is closed and not asked again; one it reports unpaid (or does not know) is asked again only
 * after a back-off (as long as it had been open when asked, between {@link #MIN_BACK_OFF} and
 * {@link #MAX_BACK_OFF}: a page left for a day is less likely to be paid in the next hour than one
 * left for ten minutes); one it reports paid is asked every run until its webhook (or a
 * repair) completes it, so its finding stands.
 */
@Repository
public class CheckoutChecks {

    /** The answer of a checkout whose order the provider reports paid. */
    public static final String PAID = "paid";

    /** The answer of a checkout the provider reports expired: it can no longer be paid. */
    public static final String EXPIRED = "expired";

    /** The answer when the provider has no such checkout (404). */
    public static final String NOT_FOUND = "not_found";

    /** The shortest wait before an unpaid checkout is asked again. */
    public static final Duration MIN_BACK_OFF = Duration.ofHours(1);

    /** The longest wait before an unpaid checkout is asked again. */
    public static final Duration MAX_BACK_OFF = Duration.ofHours(12);

    private final JdbcClient jdbc;

    CheckoutChecks(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The provider's ids of the checkouts opened at {@code provider} since {@code from}, not completed
     * by a webhook, to ask about at {@code now}, at most {@code limit}: not reported expired, and
     * never asked, reported paid, or unpaid and past its back-off. In turns, one checkout of each user
     * per turn, so that one user's many open checkouts cannot push another's out of a run; within a
     * turn those reported paid first, then those never asked, then the longest unasked, oldest first.
     */
    public List<String> due(String provider, Instant from, Instant now, int limit) {
        return jdbc.sql("""
                        select provider_ref from (
                            select provider_ref, created_at, provider_checked_at,
                                   case when provider_answer = :paid then 0
                                        when provider_answer is null then 1 else 2 end as kind,
                                   row_number() over (
                                       partition by user_id
                                       order by case when provider_answer = :paid then 0
                                                     when provider_answer is null then 1 else 2 end,
                                                provider_checked_at, created_at, id) as turn
                              from billing_checkout
                             where provider = :provider and status = 'OPEN' and provider_ref is not null
                               and created_at >= :from
                               and provider_answer is distinct from :expired
                               and (provider_answer is null or provider_answer = :paid
                                    or provider_checked_at + make_interval(secs => greatest(:minBackOff,
                                           least(:maxBackOff, extract(epoch from provider_checked_at - created_at)::double precision)))
                                       <= :now)
                        ) as due
                         order by turn, kind, provider_checked_at, created_at, provider_ref
                         limit :limit""")
                .param("provider", provider)
                .param("from", ts(from))
                .param("now", ts(now))
                .param("paid", PAID)
                .param("expired", EXPIRED)
                .param("minBackOff", (double) MIN_BACK_OFF.toSeconds())
                .param("maxBackOff", (double) MAX_BACK_OFF.toSeconds())
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    /** Records what {@code provider} answered at {@code at} about its checkout {@code providerRef}. */
    public void answered(String provider, String providerRef, String answer, Instant at) {
        jdbc.sql("""
                        update billing_checkout set provider_answer = :answer, provider_checked_at = :at
                         where provider = :provider and provider_ref = :ref and status = 'OPEN'""")
                .param("answer", answer)
                .param("at", ts(at))
                .param("provider", provider)
                .param("ref", providerRef)
                .update();
    }
}
