package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.billing.simulated.SimulatedPlan;
import dev.renderbank.identity.UserAccount;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * {@code renderbank.payments.provider} chooses where new checkouts go, not which webhooks count: a
 * shop that moved from Creem to Stripe still has Creem purchases and subscriptions, whose renewals,
 * refunds and disputes arrive at {@code /api/webhooks/creem}. While {@code CREEM_WEBHOOK_SECRET} is
 * set they are processed (refusing them would lose paid renewals and leave refunded credits kept);
 * only the signature decides. Unset the secret to refuse them all. This context has no {@code
 * CREEM_API_KEY}, which {@code prod} refuses with the secret kept (ProductionGuardTest).
 */
@TestPropertySource(properties = "renderbank.payments.provider=stripe")
class CreemWebhookAfterSwitchTest extends BillingIntegrationTest {

    @Test
    void aCreemPurchaseMadeBeforeTheSwitchToStripeIsStillGrantedAndRefundedByItsSignedWebhooks() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        assertThat(creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990))
                        .statusCode())
                .isEqualTo(200);
        assertThat(available(u)).isEqualTo(200);

        assertThat(creem(creemRefund(id("evt"), id("ref"), order, 990)).statusCode())
                .isEqualTo(200);
        assertThat(available(u))
                .as("the refund of the Creem purchase takes its credits back")
                .isZero();

        String forged = creemRefund(id("evt"), id("ref"), order, 990);
        assertThat(postCreem(forged, "0".repeat(64)).statusCode())
                .as("the signature still decides")
                .isEqualTo(401);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Autowired
    SubscriptionStore subscriptionStore;

    @Autowired
    Billing billing;

    /**
     * Why {@code prod} wants CREEM_API_KEY while Creem's webhook secret is kept: a Creem plan still
     * renews at Creem, and only Creem's API cancels it. Without the key its cancel is refused and the
     * plan keeps running here, as it does at Creem (ended here alone, Creem would go on charging).
     */
    @Test
    void aRunningCreemPlanCannotBeCancelledWithoutCreemsApiKeyAndKeepsRunning() {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        subscriptionStore.ensure("creem", sub, u.id(), "pro-monthly", "active", now, now);
        subscriptionStore.recordPaidPeriod("creem", sub, "pro-monthly", now, now.plus(30, ChronoUnit.DAYS));

        assertThat(billing.cancelSubscription(u.id(), sub))
                .isInstanceOfSatisfying(
                        CancelResult.ProviderUnavailable.class,
                        r -> assertThat(r.message()).contains("CREEM_API_KEY"));
        assertThat(subscriptionStore.find("creem", sub).orElseThrow().endsAt()).isNull();
    }

    @Autowired
    ProductCatalog catalog;

    @Autowired
    dev.renderbank.identity.AccountDeletion deletion;

    /**
     * A plan bought with the simulated checkout before payments went to Stripe ({@link SimulatedPlan},
     * recorded as Creem's): nobody renews it, so its cancel and its account's deletion end it here. Both
     * went to Creem's API, which without CREEM_API_KEY (or with it: Creem has no such subscription)
     * refused every time: the cancel answered 503 and the deletion's handler failed for ever.
     */
    @Test
    void aSimulatedPlanFromBeforeTheSwitchToStripeIsCancelledHereAndByItsAccountsDeletion() throws Exception {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant end = now.plus(30, ChronoUnit.DAYS);
        Product plan = catalog.product("pro-monthly").orElseThrow();
        UserAccount u = newUser();
        String sub = SimulatedPlan.record(jdbc, port, CREEM_SECRET, u.id(), u.email(), plan, now, end);

        var cancelled = api("POST", "/api/v1/subscriptions/" + sub + "/cancel", token(u), null);

        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(subscriptionStore.find("creem", sub).orElseThrow().endsAt()).isEqualTo(end);

        UserAccount gone = newUser();
        String goneSub = SimulatedPlan.record(jdbc, port, CREEM_SECRET, gone.id(), gone.email(), plan, now, end);
        assertThat(deletion.delete(gone.id(), "a-long-password-123"))
                .isInstanceOf(dev.renderbank.identity.DeletionOutcome.Deleted.class);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(subscriptionStore
                                .find("creem", goneSub)
                                .orElseThrow()
                                .endsAt())
                        .isNotNull());
    }
}
