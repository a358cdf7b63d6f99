package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.AccountRecovered;
import dev.renderbank.identity.SignedUp;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.platform.DurableEvent;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.Concurrently;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A referral chosen by whoever signed up first with another person's address is forgotten when the
 * address's owner takes the account back before confirming it, and stays forgotten: the sign-up's
 * handler and the recovery's are separate durable events, each run at least once, in any order and
 * at the same moment (a node that died after the sign-up handler's insert, before its task was
 * marked done, has it run again minutes later, after the recovery's). No referral, no reward.
 */
class ReferralAfterRecoveryTest extends BillingIntegrationTest {

    private static final AtomicLong LINKS = new AtomicLong(9_000_000);

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    Referrals referrals;

    @Autowired
    Rewards rewards;

    @Test
    void aSignUpHandlerRunAgainAfterTheRecoveryRecordsNoReferralAndPaysNoReward() throws Exception {
        UserAccount referrer = newUser(true);
        UserAccount referee = newUser(false);
        SignedUp signedUp = new SignedUp(referee.id(), referrals.referralCode(referrer.id()));

        handle("billing.referral-at-signup", signedUp);
        assertThat(referrals.referrerOf(referee.id())).contains(referrer.id());
        handle("billing.referral-at-recovery", recoveredBeforeVerification(referee));
        assertThat(referrals.referrerOf(referee.id())).isEmpty();
        handle("billing.referral-at-signup", signedUp); // its task was not marked done: run again

        assertThat(referrals.referrerOf(referee.id()))
                .as("the referral the recovery forgot")
                .isEmpty();
        creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990));
        assertThat(available(referee)).isEqualTo(200);
        assertThat(referralCredits(referrer)).as("referral reward paid").isZero();
        assertThat(rewards.status(referrer.id()).earned()).isZero();
    }

    @Test
    void aSignUpHandlerFirstRunAfterTheRecoveryRecordsNone() {
        UserAccount referrer = newUser(true);
        UserAccount referee = newUser(false);

        handle("billing.referral-at-recovery", recoveredBeforeVerification(referee));
        handle("billing.referral-at-signup", new SignedUp(referee.id(), referrals.referralCode(referrer.id())));

        assertThat(referrals.referrerOf(referee.id())).isEmpty();
    }

    @Test
    void theSignUpHandlerAgainAndTheRecoveryHandlerAtOnceLeaveNoReferral() throws Exception {
        UserAccount referrer = newUser(true);
        String code = referrals.referralCode(referrer.id());
        UserAccount last = null;
        for (int round = 0; round < 12; round++) {
            UserAccount referee = newUser(false);
            SignedUp signedUp = new SignedUp(referee.id(), code);
            handle("billing.referral-at-signup", signedUp);
            AccountRecovered recovered = recoveredBeforeVerification(referee);

            Concurrently.<Boolean>run(
                    () -> handle("billing.referral-at-signup", signedUp),
                    () -> handle("billing.referral-at-recovery", recovered));

            assertThat(referrals.referrerOf(referee.id()))
                    .as("referral left in round %d", round)
                    .isEmpty();
            last = referee;
        }
        creem(creemCheckout(id("evt"), id("ord"), last.id(), "prod_local_pack-200", 990));
        assertThat(referralCredits(referrer)).as("referral reward paid").isZero();
        assertThat(rewards.status(referrer.id()).referred()).isZero();
    }

    private static AccountRecovered recoveredBeforeVerification(UserAccount referee) {
        return new AccountRecovered(referee.id(), LINKS.incrementAndGet(), 1L, true);
    }

    /** Runs the named handler on {@code event} in this thread, as a node's scheduler would. */
    @SuppressWarnings("unchecked")
    private <E extends DurableEvent> boolean handle(String name, E event) {
        DurableEventHandler<E> handler = (DurableEventHandler<E>)
                handlers.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
        handler.handle(event);
        return true;
    }

    /** What referral rewards granted the referrer, in the ledger. */
    private long referralCredits(UserAccount referrer) {
        return jdbc.sql("""
                        select coalesce(sum(amount), 0)
                          from ledger_entry where user_id = :u and ref_key like 'reward:referral:%' and kind = 'GRANT'""").param("u", referrer.id()).query(Long.class).single();
    }
}
