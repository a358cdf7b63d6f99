package dev.renderbank.billing.rewards;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of {@code billing_referral}: who referred whom, and whether the referrer was rewarded. */
@Repository
class ReferralStore {

    private final JdbcClient jdbc;

    ReferralStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records who referred the referee; false if the referee already has a referrer, or had one that
     * a recovery forgot ({@link #forgetUnearned}: never recorded again). Under {@link #lockReferee}.
     */
    boolean record(long refereeId, long referrerId, Instant now) {
        return jdbc.sql("""
                                insert into billing_referral (referee_id, referrer_id, created_at)
                                select :referee, :referrer, :now
                                 where not exists (select 1 from billing_referral_forgone where referee_id = :referee)
                                on conflict (referee_id) do nothing""")
                        .param("referee", refereeId)
                        .param("referrer", referrerId)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * Forgets the referee's referral if no purchase earned it yet, and for good: a tombstone that
     * {@link #record} respects, so a sign-up handler run again later records nothing. Whether there
     * was one to forget. Under {@link #lockReferee}.
     */
    boolean forgetUnearned(long refereeId, Instant now) {
        jdbc.sql("""
                        insert into billing_referral_forgone (referee_id, forgotten_at) values (:referee, :now)
                        on conflict (referee_id) do nothing""").param("referee", refereeId).param("now", ts(now)).update();
        return jdbc.sql("""
                                delete from billing_referral
                                 where referee_id = :referee and purchase_id is null and rewarded_at is null""").param("referee", refereeId).update() == 1;
    }

    /**
     * Serializes, per referee, recording its referral with forgetting it (a lock for the caller's
     * transaction): without it, an insert and a recovery's tombstone and delete at the same moment
     * each missed the other's uncommitted row, and the referral stayed.
     */
    void lockReferee(long refereeId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('billing-referee:' || :referee, 0))")
                .param("referee", refereeId)
                .query((rs, n) -> 1)
                .single();
    }

    Optional<Long> referrerOf(long refereeId) {
        return jdbc.sql("select referrer_id from billing_referral where referee_id = :referee")
                .param("referee", refereeId)
                .query(Long.class)
                .optional();
    }

    /**
     * Names {@code purchaseId} as the purchase that earns the referee's referral reward: only the
     * referee's first, and only while the referral is unrewarded. False if there is no such referral.
     */
    boolean qualify(long refereeId, long purchaseId) {
        return jdbc.sql("""
                                update billing_referral set purchase_id = :purchase
                                 where referee_id = :referee and purchase_id is null and rewarded_at is null""")
                        .param("purchase", purchaseId)
                        .param("referee", refereeId)
                        .update()
                == 1;
    }

    /** A referral earned by a purchase, as its row stands (locked until the transaction ends). */
    record Earned(long refereeId, long referrerId, boolean rewarded, long reward, long clawed) {}

    Optional<Earned> lockByPurchase(long purchaseId) {
        return jdbc.sql("""
                        select referee_id, referrer_id, rewarded_at is not null as rewarded, coalesce(reward, 0) as reward,
                               clawed
                          from billing_referral where purchase_id = :purchase for update""")
                .param("purchase", purchaseId)
                .query((rs, n) -> new Earned(
                        rs.getLong("referee_id"),
                        rs.getLong("referrer_id"),
                        rs.getBoolean("rewarded"),
                        rs.getLong("reward"),
                        rs.getLong("clawed")))
                .optional();
    }

    /**
     * Serializes, per referrer, paying at a first purchase with paying at the referrer's verification
     * (a lock for the caller's transaction): whichever comes second sees what the first committed, so
     * a purchase made while the address was being verified is paid by one of the two.
     */
    void lockReferrer(long referrerId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('billing-referrer:' || :referrer, 0))")
                .param("referrer", referrerId)
                .query((rs, n) -> 1)
                .single();
    }

    /** The purchases whose referral rewards wait for the referrer (not paid yet). */
    List<Long> waitingPurchases(long referrerId) {
        return jdbc.sql("""
                        select purchase_id from billing_referral
                         where referrer_id = :referrer and purchase_id is not null and rewarded_at is null
                         order by purchase_id""").param("referrer", referrerId).query(Long.class).list();
    }

    /** Marks the referral rewarded at {@code reward} credits (the configured reward); false if it already was. */
    boolean markRewarded(long refereeId, long reward, Instant now) {
        return jdbc.sql("""
                                update billing_referral set rewarded_at = :now, reward = :reward
                                 where referee_id = :referee and rewarded_at is null""")
                        .param("now", ts(now))
                        .param("reward", reward)
                        .param("referee", refereeId)
                        .update()
                == 1;
    }

    /** Records a ledger grant of the referral's reward; false if {@code grantKey} is recorded already. */
    boolean addGrant(long refereeId, String grantKey, long amount, Instant now) {
        return jdbc.sql("""
                                insert into billing_referral_grant (grant_key, referee_id, amount, created_at)
                                values (:key, :referee, :amount, :now) on conflict (grant_key) do nothing""")
                        .param("key", grantKey)
                        .param("referee", refereeId)
                        .param("amount", amount)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** The referral's grant keys, latest first (clawbacks take from the latest first). */
    List<String> grantKeys(long refereeId) {
        return jdbc.sql("select grant_key from billing_referral_grant where referee_id = :referee order by id desc")
                .param("referee", refereeId)
                .query(String.class)
                .list();
    }

    /** What the referral's grants gave in total (the reward and any give-backs). */
    long granted(long refereeId) {
        return jdbc.sql("select coalesce(sum(amount), 0) from billing_referral_grant where referee_id = :referee")
                .param("referee", refereeId)
                .query(Long.class)
                .single();
    }

    void addClawed(long refereeId, long amount) {
        int rows = jdbc.sql("update billing_referral set clawed = clawed + :amount where referee_id = :referee")
                .param("amount", amount)
                .param("referee", refereeId)
                .update();
        if (rows != 1) {
            throw new IllegalStateException("no referral of referee " + refereeId);
        }
    }

    /** How many signed up through the referrer, and what their rewarded referrals paid. */
    record Tally(long referred, long earned) {}

    /**
     * What the referrals pay now: the grants net of clawbacks; {@code defaultReward} counts rewarded
     * referrals recorded before rewards were stored.
     */
    Tally tally(long referrerId, long defaultReward) {
        return jdbc.sql("""
                        select count(*) as referred,
                               coalesce(sum(case when r.purchase_id is null then coalesce(r.reward, :fallback)
                                                 else coalesce((select sum(g.amount) from billing_referral_grant g
                                                                 where g.referee_id = r.referee_id), 0) - r.clawed
                                            end) filter (where r.rewarded_at is not null), 0) as earned
                          from billing_referral r where r.referrer_id = :referrer""")
                .param("referrer", referrerId)
                .param("fallback", defaultReward)
                .query((rs, n) -> new Tally(rs.getLong("referred"), rs.getLong("earned")))
                .single();
    }

    Optional<String> codeOf(long userId) {
        return jdbc.sql("select code from billing_referral_code where user_id = :user")
                .param("user", userId)
                .query(String.class)
                .optional();
    }

    /**
     * Gives the user {@code code} unless they have one already (a concurrent first call may win);
     * false if the code is taken by someone else, so the caller draws another.
     */
    boolean assignCode(long userId, String code, Instant now) {
        return jdbc.sql("""
                                insert into billing_referral_code (user_id, code, created_at)
                                values (:user, :code, :now) on conflict do nothing""")
                        .param("user", userId)
                        .param("code", code)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    Optional<Long> userOfCode(String code) {
        return jdbc.sql("select user_id from billing_referral_code where code = :code")
                .param("code", code)
                .query(Long.class)
                .optional();
    }
}
