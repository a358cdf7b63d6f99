package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.dispute;
import static dev.renderbank.billing.StripeWebhookTest.refunded;
import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.Referrals;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.ReserveResult;
import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.UserActions;
import dev.renderbank.support.Concurrently;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The referral reward (10 credits) rewards a paying customer brought by a verified user: it is paid
 * at the referee's first paid purchase to a referrer whose address is verified (else when it is), and it
 * follows that purchase: what its refunds and disputes take back of the purchase, they take back of
 * the reward in the same fraction (down to zero available, the rest debt), and a won dispute gives it
 * back.
 */
class ReferralRulesTest extends BillingIntegrationTest {

    @Autowired
    Rewards rewards;

    @Autowired
    Referrals referrals;

    @Test
    void aReferrerWhoseAddressIsNotVerifiedIsPaidOnlyOnceItIsVerified() throws Exception {
        Referred r = referred(false);
        creem(creemCheckout(id("evt"), id("ord"), r.referee().id(), "prod_local_pack-200", 990));
        assertThat(referralCredits(r.referrer())).as("nothing while unverified").isZero();
        assertThat(rewards.status(r.referrer().id()).earned()).isZero();

        users.markEmailVerified(r.referrer().id());
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(referralCredits(r.referrer())).isEqualTo(10));
        assertThat(referrals.payWaitingReferrals(r.referrer().id()))
                .as("paid once")
                .isZero();
        assertThat(referralCredits(r.referrer())).isEqualTo(10);
        assertThat(rewards.status(r.referrer().id()).earned()).isEqualTo(10);
    }

    @Test
    void theFirstPurchaseAndTheReferrersVerificationAtOncePayTheRewardExactlyOnce() throws Exception {
        for (int pair = 0; pair < 4; pair++) {
            Referred r = referred(false);
            String body = creemCheckout(id("evt"), id("ord"), r.referee().id(), "prod_local_pack-200", 990);
            Concurrently.<Object>run(
                    () -> creem(body).statusCode(),
                    () -> users.markEmailVerified(r.referrer().id()));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(
                            () -> assertThat(referralCredits(r.referrer())).isEqualTo(10));
            awaitSweep();
            assertThat(referralCredits(r.referrer())).isEqualTo(10);
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void twoFirstPurchasesAtOnceRewardTheReferrerOnce() throws Exception {
        for (int pair = 0; pair < 4; pair++) {
            Referred r = referred(true);
            Concurrently.<Object>run(
                    () -> creem(creemCheckout(id("evt"), id("ord"), r.referee().id(), "prod_local_pack-200", 990))
                            .statusCode(),
                    () -> creem(creemCheckout(id("evt"), id("ord"), r.referee().id(), "prod_local_pack-500", 2290))
                            .statusCode());
            assertThat(available(r.referee())).isEqualTo(700);
            assertThat(referralCredits(r.referrer())).isEqualTo(10);
        }
    }

    @Test
    void aPurchaseAPromotionCodePaidInFullEarnsNothingAndTheFirstPaidOneEarnsTheReward() throws Exception {
        Referred r = referred(true);
        stripe(session(
                id("evt"),
                opened(r.referee().id(), "pack-200", id("cs")),
                id("pi"),
                r.referee().id(),
                "pack-200",
                0));
        assertThat(available(r.referee())).isEqualTo(200);
        assertThat(referralCredits(r.referrer()))
                .as("no money, no referral reward")
                .isZero();

        stripe(session(
                id("evt"),
                opened(r.referee().id(), "pack-200", id("cs")),
                id("pi"),
                r.referee().id(),
                "pack-200",
                990));
        assertThat(referralCredits(r.referrer())).isEqualTo(10);
        stripe(session(
                id("evt"),
                opened(r.referee().id(), "pack-200", id("cs")),
                id("pi"),
                r.referee().id(),
                "pack-200",
                990));
        assertThat(referralCredits(r.referrer())).as("and only once").isEqualTo(10);
    }

    @Test
    void aFullRefundOfTheFirstPurchaseTakesTheReferralRewardBack() throws Exception {
        Referred r = referred(true);
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, r.referee().id(), "prod_local_pack-200", 990));
        assertThat(available(r.referrer())).isEqualTo(10);

        String refundEvent = id("evt");
        assertThat(creem(creemRefund(refundEvent, id("ref"), order, 990)).statusCode())
                .isEqualTo(200);
        assertThat(eventStatus("creem", refundEvent)).isEqualTo("PROCESSED");
        assertThat(available(r.referee())).isZero();
        assertThat(ledger.balance(r.referrer().id())).isEqualTo(new Balance(0, 0, 0));
        assertThat(rewards.status(r.referrer().id()).earned()).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aPartialRefundTakesBackTheSameFractionOfTheRewardAndWhatIsNotAvailableBecomesDebt() throws Exception {
        Referred r = referred(true);
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, r.referee().id(), "prod_local_pack-200", 990));
        // 8 of the referrer's 10 credits are held by a job in flight: only 2 are available
        assertThat(ledger.reserve(r.referrer().id(), 8, id("job"), Duration.ofMinutes(5)))
                .isInstanceOf(ReserveResult.Reserved.class);

        creem(creemRefund(id("evt"), id("ref"), order, 495)); // half: 5 of the 10 go back
        assertThat(ledger.balance(r.referrer().id()))
                .as("2 taken from what was available, 3 owed")
                .isEqualTo(new Balance(8, 8, 3));
        assertThat(rewards.status(r.referrer().id()).earned()).isEqualTo(5);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aDisputeTakesTheRewardBackAndWinningItGivesTheRewardBack() throws Exception {
        Referred r = referred(true);
        String pi = id("pi");
        String charge = id("ch");
        boughtAtStripe(r.referee(), pi);
        assertThat(available(r.referrer())).isEqualTo(10);

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        assertThat(available(r.referrer()))
                .as("taken back while the dispute is open")
                .isZero();
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));
        assertThat(available(r.referrer())).as("given back when it is won").isEqualTo(10);
        assertThat(rewards.status(r.referrer().id()).earned()).isEqualTo(10);

        stripe(refunded(id("evt"), charge, pi, 990, 990));
        assertThat(available(r.referrer()))
                .as("a full refund after the won dispute takes back the given-back reward too")
                .isZero();
        assertThat(available(r.referee())).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aWonDisputeDoesNotGiveBackTheRewardDebtAnOperatorWaived() throws Exception {
        Referred r = referred(true);
        String pi = id("pi");
        String charge = id("ch");
        boughtAtStripe(r.referee(), pi);
        String job = id("job");
        assertThat(ledger.reserve(r.referrer().id(), 10, job, Duration.ofMinutes(5)))
                .isInstanceOf(ReserveResult.Reserved.class);
        ledger.capture(job); // the referrer spent the reward

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        assertThat(ledger.balance(r.referrer().id())).isEqualTo(new Balance(0, 0, 10));
        assertThat(operators.waiveDebt("ops@test.local", r.referrer().id(), "goodwill", id("waive")))
                .isInstanceOf(ActionResult.Done.class);
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));

        assertThat(ledger.balance(r.referrer().id()))
                .as("as if neither the dispute nor the waiver had been: the reward was spent")
                .isEqualTo(new Balance(0, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aLostDisputeKeepsTheRewardTakenBack() throws Exception {
        Referred r = referred(true);
        String pi = id("pi");
        String charge = id("ch");
        boughtAtStripe(r.referee(), pi);
        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "lost"));
        assertThat(available(r.referrer())).isZero();
        assertThat(rewards.status(r.referrer().id()).earned()).isZero();
    }

    @Test
    void aSuspendedReferrerIsNotPaidAtThePurchaseAndIsPaidOnceWhenReinstated() throws Exception {
        Referred r = referred(true);
        suspend(r.referrer());
        creem(creemCheckout(id("evt"), id("ord"), r.referee().id(), "prod_local_pack-200", 990));
        assertThat(available(r.referee())).isEqualTo(200);
        assertThat(referralCredits(r.referrer())).as("nothing while suspended").isZero();

        reinstate(r.referrer());
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(referralCredits(r.referrer())).isEqualTo(10));
        suspend(r.referrer());
        reinstate(r.referrer()); // a second reinstatement finds nothing waiting
        assertThat(referrals.payWaitingReferrals(r.referrer().id()))
                .as("paid once")
                .isZero();
        assertThat(referralCredits(r.referrer())).isEqualTo(10);
        assertThat(rewards.status(r.referrer().id()).earned()).isEqualTo(10);
    }

    @Test
    void aPurchaseRefundedWhileItsReferrerWasSuspendedPaysNothingAtTheReinstatement() throws Exception {
        Referred r = referred(true);
        suspend(r.referrer());
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, r.referee().id(), "prod_local_pack-200", 990));
        creem(creemRefund(id("evt"), id("ref"), order, 990));
        reinstate(r.referrer());
        assertThat(referralCredits(r.referrer())).as("never paid").isZero();
        assertThat(ledger.balance(r.referrer().id())).isEqualTo(new Balance(0, 0, 0));
        assertThat(rewards.status(r.referrer().id()).earned()).isZero();
    }

    @Test
    void aReinstatementAndAFullRefundAtOnceLeaveNoRewardWithoutItsPurchase() throws Exception {
        for (int pair = 0; pair < 4; pair++) {
            Referred r = referred(true);
            suspend(r.referrer());
            String order = id("ord");
            creem(creemCheckout(id("evt"), order, r.referee().id(), "prod_local_pack-200", 990));
            String refund = creemRefund(id("evt"), id("ref"), order, 990);
            Concurrently.<Object>run(() -> creem(refund).statusCode(), () -> {
                reinstate(r.referrer());
                return true;
            });
            awaitReinstatementHandled(r.referrer());
            assertThat(ledger.balance(r.referrer().id()))
                    .as("not paid, or paid and taken back: never paid while its purchase is refunded")
                    .isEqualTo(new Balance(0, 0, 0));
            assertThat(rewards.status(r.referrer().id()).earned()).isZero();
            assertThat(available(r.referee())).isZero();
        }
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Autowired
    UserActions operators;

    private void suspend(UserAccount u) {
        assertThat(operators.suspend("ops@example.com", u.id(), "test", id("key")))
                .isInstanceOf(ActionResult.Done.class);
    }

    /** Reinstates {@code u} and waits until billing acted on it (the durable event's task is done). */
    private void reinstate(UserAccount u) {
        assertThat(operators.reinstate("ops@example.com", u.id(), "test", id("key")))
                .isInstanceOf(ActionResult.Done.class);
        awaitReinstatementHandled(u);
    }

    private void awaitReinstatementHandled(UserAccount u) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("""
                                select count(*) from scheduled_tasks
                                 where task_instance like 'billing.referral-at-reinstatement:account-reinstated:'
                                                          || :u || ':%'""").param("u", u.id()).query(Long.class).single() == 0);
    }

    /** A referee who signed up through the link of a new referrer (verified or not). */
    record Referred(UserAccount referrer, UserAccount referee) {}

    private Referred referred(boolean referrerVerified) {
        UserAccount referrer = newUser(referrerVerified);
        UserAccount referee = newUser();
        referrals.recordReferral(referee.id(), referrer.id());
        return new Referred(referrer, referee);
    }

    /** A pack-200 bought at Stripe for 9.90 under payment intent {@code pi}. */
    private void boughtAtStripe(UserAccount buyer, String pi) throws Exception {
        stripe(session(id("evt"), opened(buyer.id(), "pack-200", id("cs")), pi, buyer.id(), "pack-200", 990));
    }

    /** What referral rewards granted the referrer, in the ledger (none of these tests claws back). */
    private long referralCredits(UserAccount referrer) {
        return jdbc.sql("""
                        select coalesce(sum(amount), 0)
                          from ledger_entry where user_id = :u and ref_key like 'reward:referral:%' and kind = 'GRANT'""").param("u", referrer.id()).query(Long.class).single();
    }
}
