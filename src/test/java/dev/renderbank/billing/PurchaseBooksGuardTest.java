package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.billing.db.DisputeStore;
import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.billing.db.Purchase;
import dev.renderbank.billing.db.PurchaseChargeStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.identity.UserAccount;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each step that changes a purchase's books is one conditional statement whose row count is
 * checked: a step whose condition does not hold (it would make a total negative, move a refund or
 * a period's months backwards, close a dispute twice) throws, so the event's transaction rolls
 * back and is retried, instead of committing as if it had happened.
 */
class PurchaseBooksGuardTest extends BillingIntegrationTest {

    @Autowired
    PurchaseStore purchases;

    @Autowired
    PurchaseChargeStore charges;

    @Autowired
    PeriodStore periods;

    @Autowired
    DisputeStore disputes;

    @Test
    void stepsThatWouldBreakAPurchasesBooksThrowAndChangeNothing() throws Exception {
        UserAccount u = newUser();
        String cs = opened(u.id(), "pack-200", id("cs"));
        stripe(session(id("evt"), cs, id("pi"), u.id(), "pack-200", 990));
        long id = purchaseId("stripe:checkout:" + cs);

        assertThatThrownBy(() -> purchases.addClawed(id, -1, false)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> purchases.addClawed(id, -1, true)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> charges.addDisputed(id, -1)).isInstanceOf(IllegalStateException.class);
        charges.setRefunded(id, 495);
        assertThatThrownBy(() -> charges.setRefunded(id, 494)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> charges.markOpenDisputes(-id)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> disputes.close("stripe", id("dp"), "LOST")).isInstanceOf(IllegalStateException.class);

        Purchase p = purchases.lock(id);
        assertThat(p.clawed()).isZero();
        assertThat(p.disputedMinor()).isZero();
        assertThat(p.refundedMinor()).isEqualTo(495);
        assertThat(p.disputed()).isFalse();
    }

    @Test
    void aGrantKeyIsCountedOnceInThePurchasesTotal() throws Exception {
        UserAccount u = newUser();
        String cs = opened(u.id(), "pack-200", id("cs"));
        stripe(session(id("evt"), cs, id("pi"), u.id(), "pack-200", 990));
        long id = purchaseId("stripe:checkout:" + cs);

        assertThat(purchases.addGrant(id, "stripe:checkout:" + cs, 200, clock.instant()))
                .isFalse();
        assertThat(purchases.lock(id).granted()).isEqualTo(200);
        String extra = id("grant");
        assertThat(purchases.addGrant(id, extra, 7, clock.instant())).isTrue();
        assertThat(purchases.lock(id).granted()).isEqualTo(207);
        assertThat(purchases.grantKeys(id)).contains(extra, "stripe:checkout:" + cs);
    }

    @Test
    void aPeriodsGrantedMonthsNeverMoveBackwards() throws Exception {
        YearlyPlan plan = yearlyPlan(false);
        UserAccount u = plan.user();
        String invoiceId = plan.invoice();
        long id = jdbc.sql("select purchase_id from billing_purchase_ref where provider = 'stripe' and ref = :ref")
                .param("ref", invoiceId)
                .query(Long.class)
                .single();
        assertThat(monthsGranted(id)).isEqualTo(1);

        assertThatThrownBy(() -> periods.advance(id, 0, null)).isInstanceOf(IllegalStateException.class);
        assertThat(monthsGranted(id)).isEqualTo(1);
    }

    private long purchaseId(String key) {
        return jdbc.sql("select id from billing_purchase where purchase_key = :k")
                .param("k", key)
                .query(Long.class)
                .single();
    }

    private int monthsGranted(long purchaseId) {
        return jdbc.sql("select months_granted from billing_subscription_period where purchase_id = :id")
                .param("id", purchaseId)
                .query(Integer.class)
                .single();
    }
}
