package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.dispute;
import static dev.renderbank.billing.StripeWebhookTest.refunded;
import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.ReserveResult;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The referral reward (10 credits) rewards a paying customer brought by a verified user: it is paid
 * at the referee's first purchase to a referrer whose address is verified (else when it is), and it
 * follows that purchase: what its refunds and disputes take back of the purchase, they take back of
 * the reward in the same fraction (down to zero available, the rest debt), and a won dispute gives it
 * back.
 */
class ReferralRulesTest extends BillingIntegrationTest {

    @Autowired
    Rewards rewards;

    @Test
    void aReferrerWhoseAddressIsNotVerifiedIsPaidOnlyOnceItIsVerified() throws Exception {
        UserAccount referrer = newUser(false);
        UserAccount referee = newUser();
        rewards.recordReferral(referee.id(), referrer.id());
        creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990));
        assertThat(referralCredits(referrer)).as("nothing while unverified").isZero();
        assertThat(rewards.status(referrer.id()).earned()).isZero();

        users.markEmailVerified(referrer.id());
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(referralCredits(referrer)).isEqualTo(10));
        assertThat(rewards.payWaitingReferrals(referrer.id())).as("paid once").isZero();
        assertThat(referralCredits(referrer)).isEqualTo(10);
        assertThat(rewards.status(referrer.id()).earned()).isEqualTo(10);
    }

    @Test
    void theFirstPurchaseAndTheReferrersVerificationAtOncePayTheRewardExactlyOnce() throws Exception {
        for (int pair = 0; pair < 4; pair++) {
            UserAccount referrer = newUser(false);
            UserAccount referee = newUser();
            rewards.recordReferral(referee.id(), referrer.id());
            String body = creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990);
            RewardsTest.<Object>concurrently(
                    () -> creem(body).statusCode(), () -> users.markEmailVerified(referrer.id()));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(referralCredits(referrer)).isEqualTo(10));
            awaitSweep();
            assertThat(referralCredits(referrer)).isEqualTo(10);
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void twoFirstPurchasesAtOnceRewardTheReferrerOnce() throws Exception {
        for (int pair = 0; pair < 4; pair++) {
            UserAccount referrer = newUser();
            UserAccount referee = newUser();
            rewards.recordReferral(referee.id(), referrer.id());
            RewardsTest.<Object>concurrently(
                    () -> creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-200", 990))
                            .statusCode(),
                    () -> creem(creemCheckout(id("evt"), id("ord"), referee.id(), "prod_local_pack-500", 2290))
                            .statusCode());
            assertThat(available(referee)).isEqualTo(700);
            assertThat(referralCredits(referrer)).isEqualTo(10);
        }
    }

    @Test
    void aFullRefundOfTheFirstPurchaseTakesTheReferralRewardBack() throws Exception {
        UserAccount referrer = newUser();
        UserAccount referee = newUser();
        rewards.recordReferral(referee.id(), referrer.id());
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, referee.id(), "prod_local_pack-200", 990));
        assertThat(available(referrer)).isEqualTo(10);

        String refundEvent = id("evt");
        assertThat(creem(creemRefund(refundEvent, id("ref"), order, 990)).statusCode())
                .isEqualTo(200);
        assertThat(eventStatus("creem", refundEvent)).isEqualTo("PROCESSED");
        assertThat(available(referee)).isZero();
        assertThat(ledger.balance(referrer.id())).isEqualTo(new Balance(0, 0, 0));
        assertThat(rewards.status(referrer.id()).earned()).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aPartialRefundTakesBackTheSameFractionOfTheRewardAndWhatIsNotAvailableBecomesDebt() throws Exception {
        UserAccount referrer = newUser();
        UserAccount referee = newUser();
        rewards.recordReferral(referee.id(), referrer.id());
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, referee.id(), "prod_local_pack-200", 990));
        // 8 of the referrer's 10 credits are held by a job in flight: only 2 are available
        assertThat(ledger.reserve(referrer.id(), 8, id("job"), Duration.ofMinutes(5)))
                .isInstanceOf(ReserveResult.Reserved.class);

        creem(creemRefund(id("evt"), id("ref"), order, 495)); // half: 5 of the 10 go back
        assertThat(ledger.balance(referrer.id()))
                .as("2 taken from what was available, 3 owed")
                .isEqualTo(new Balance(8, 8, 3));
        assertThat(rewards.status(referrer.id()).earned()).isEqualTo(5);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aDisputeTakesTheRewardBackAndWinningItGivesTheRewardBack() throws Exception {
        UserAccount referrer = newUser();
        UserAccount referee = newUser();
        rewards.recordReferral(referee.id(), referrer.id());
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), id("cs"), pi, referee.id(), "pack-200", 990));
        assertThat(available(referrer)).isEqualTo(10);

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        assertThat(available(referrer))
                .as("taken back while the dispute is open")
                .isZero();
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));
        assertThat(available(referrer)).as("given back when it is won").isEqualTo(10);
        assertThat(rewards.status(referrer.id()).earned()).isEqualTo(10);

        stripe(refunded(id("evt"), charge, pi, 990, 990));
        assertThat(available(referrer))
                .as("a full refund after the won dispute takes back the given-back reward too")
                .isZero();
        assertThat(available(referee)).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aLostDisputeKeepsTheRewardTakenBack() throws Exception {
        UserAccount referrer = newUser();
        UserAccount referee = newUser();
        rewards.recordReferral(referee.id(), referrer.id());
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), id("cs"), pi, referee.id(), "pack-200", 990));
        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "lost"));
        assertThat(available(referrer)).isZero();
        assertThat(rewards.status(referrer.id()).earned()).isZero();
    }

    /** What referral rewards granted the referrer, in the ledger (none of these tests claws back). */
    private long referralCredits(UserAccount referrer) {
        return jdbc.sql("""
                        select coalesce(sum(amount), 0)
                          from ledger_entry where user_id = :u and ref_key like 'reward:referral:%' and kind = 'GRANT'""").param("u", referrer.id()).query(Long.class).single();
    }
}
