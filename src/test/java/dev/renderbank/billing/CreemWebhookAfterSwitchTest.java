package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.db.SubscriptionStore;
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
}
