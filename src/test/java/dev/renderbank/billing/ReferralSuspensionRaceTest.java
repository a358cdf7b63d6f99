package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.LockWaits;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A suspended referrer is not paid the referral reward (it waits for the reinstatement), also when
 * the suspension commits at the same moment as the referee's first purchase: the payment and the
 * suspension are ordered, so the reward is either paid before the suspension (the suspension sees it
 * paid) or waits; never paid by a purchase that committed after the suspension without seeing it.
 */
class ReferralSuspensionRaceTest extends BillingIntegrationTest {

    private static final int ROUNDS = 30;

    @Autowired
    Referrals referrals;

    @Autowired
    UserAdministration administration;

    @Autowired
    TransactionTemplate tx;

    @Test
    void aSuspensionNotYetCommittedWhileTheFirstPurchaseIsProcessedMakesTheRewardWait() throws Exception {
        Referred r = referred();
        String purchase = creemCheckout(id("evt"), id("ord"), r.referee().id(), "prod_local_pack-200", 990);
        CompletableFuture<Integer> bought = tx.execute(s -> {
            assertThat(administration.suspend(r.referrer().id())).isTrue();
            long suspension = LockWaits.backend(jdbc);
            // the purchase runs while the suspension is written but not committed
            CompletableFuture<Integer> delivery = CompletableFuture.supplyAsync(() -> {
                try {
                    return creem(purchase).statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> delivery.isDone() || LockWaits.blockedBy(jdbc, suspension));
            return delivery;
        });
        assertThat(bought.get(30, TimeUnit.SECONDS)).isEqualTo(200);

        assertThat(available(r.referee())).isEqualTo(200);
        assertThat(referralCredits(r.referrer()))
                .as("the purchase committed after the suspension: the reward waits")
                .isZero();
        assertThat(administration.active(r.referrer().id())).isFalse();
    }

    @Test
    void aSuspensionAndTheFirstPurchaseAtOnceNeverPayTheRewardAfterTheSuspension() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            Referred r = referred();
            String purchase = creemCheckout(id("evt"), id("ord"), r.referee().id(), "prod_local_pack-200", 990);
            long delayMicros = ThreadLocalRandom.current().nextLong(0, 25_000);
            var results = Concurrently.<Object>run(() -> creem(purchase).statusCode(), () -> {
                TimeUnit.MICROSECONDS.sleep(delayMicros); // spread the suspension over the purchase's steps
                // the suspension and what it sees paid, committed together
                return tx.execute(s -> {
                    assertThat(administration.suspend(r.referrer().id())).isTrue();
                    return referralCredits(r.referrer()) > 0;
                });
            });
            assertThat(results.get(0)).isEqualTo(200);
            boolean seenPaidAtSuspension = (Boolean) results.get(1);
            boolean paid = referralCredits(r.referrer()) > 0;
            assertThat(paid)
                    .as("round %d: paid after a suspension that saw it unpaid", round)
                    .isEqualTo(seenPaidAtSuspension);
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /** A referee who signed up through the link of a new, verified referrer. */
    record Referred(UserAccount referrer, UserAccount referee) {}

    private Referred referred() {
        UserAccount referrer = newUser(true);
        UserAccount referee = newUser();
        referrals.recordReferral(referee.id(), referrer.id());
        return new Referred(referrer, referee);
    }

    /** What referral rewards granted the referrer, in the ledger. */
    private long referralCredits(UserAccount referrer) {
        return jdbc.sql("""
                        select coalesce(sum(amount), 0) from ledger_entry
                         where user_id = :u and ref_key like 'reward:referral:%' and kind = 'GRANT'""").param("u", referrer.id()).query(Long.class).single();
    }
}
