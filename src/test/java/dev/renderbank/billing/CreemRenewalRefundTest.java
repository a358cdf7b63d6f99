package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Refunds of Creem subscription periods that name both their own transaction and the original order. */
class CreemRenewalRefundTest extends BillingIntegrationTest {

    @Test
    void aRefundNamingTheRenewalTransactionAndTheOriginalOrderTakesBackTheRenewal() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String order = id("ord");
        String firstTxn = id("tran");
        String renewalTxn = id("tran");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();

        creem(subscriptionPaid(id("evt"), sub, u.id(), firstTxn, order, start, next));
        clock.advance(Duration.between(start, next).plusMinutes(1));
        creem(subscriptionPaid(id("evt"), sub, u.id(), renewalTxn, order, next, after));
        assertThat(available(u)).isEqualTo(1000);

        creem(refund(id("evt"), id("ref"), renewalTxn, order, 1990)); // the renewal, in full
        creem(refund(id("evt"), id("ref"), firstTxn, order, 1990)); // then the first period, in full

        assertThat(available(u)).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A renewal's refund that arrives before the renewal's own payment names a transaction not
     * recorded yet and the order every period shares: it must wait for the renewal, not land on the
     * first period (refunded already, so it would take nothing, and the renewal's grant would stay).
     */
    @Test
    void aRenewalRefundArrivingBeforeTheRenewalWaitsForItInsteadOfLandingOnAnEarlierPeriod() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String order = id("ord");
        String firstTxn = id("tran");
        String renewalTxn = id("tran");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();

        creem(subscriptionPaid(id("evt"), sub, u.id(), firstTxn, order, start, next));
        creem(refund(id("evt"), id("ref"), firstTxn, order, 1990)); // the first period, in full
        assertThat(available(u)).isZero();

        clock.advance(Duration.between(start, next).plusMinutes(1));
        String early = id("evt");
        creem(refund(early, id("ref"), renewalTxn, order, 1990)); // the renewal's refund, before its payment
        creem(subscriptionPaid(id("evt"), sub, u.id(), renewalTxn, order, next, after));

        clock.advance(Duration.ofMinutes(1)); // past the first retry's delay
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(eventStatus("creem", early)));
        assertThat(available(u)).as("both periods refunded in full").isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** The same for a dispute: it is opened on the renewal it names, not on the first period. */
    @Test
    void aRenewalDisputeArrivingBeforeTheRenewalIsOpenedOnTheRenewal() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String order = id("ord");
        String firstTxn = id("tran");
        String renewalTxn = id("tran");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();

        creem(subscriptionPaid(id("evt"), sub, u.id(), firstTxn, order, start, next));
        clock.advance(Duration.between(start, next).plusMinutes(1));
        String early = id("evt");
        creem("""
                {"id":"%s","eventType":"dispute.created","created_at":1750941264812,
                 "object":{"id":"%s","object":"dispute","amount":1990,"currency":"USD",
                   "transaction":{"id":"%s","object":"transaction","amount":1990,"order":"%s"},
                   "order":{"id":"%s","amount":1990,"currency":"USD"}}}""".formatted(early, id("disp"), renewalTxn, order, order));
        creem(subscriptionPaid(id("evt"), sub, u.id(), renewalTxn, order, next, after));

        clock.advance(Duration.ofMinutes(1)); // past the first retry's delay
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> "PROCESSED".equals(eventStatus("creem", early)));
        assertThat(disputed("creem", renewalTxn)).isTrue();
        assertThat(disputed("creem", firstTxn))
                .as("the first period is not disputed")
                .isFalse();
        assertThat(available(u)).as("the first period's 500 kept").isEqualTo(500);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    static String subscriptionPaid(
            String eventId, String sub, long userId, String txn, String order, Instant start, Instant end) {
        return """
                {"id":"%s","eventType":"subscription.paid","created_at":%d,
                 "object":{"id":"%s","object":"subscription","status":"active",
                   "product":{"id":"prod_local_pro-monthly"},"customer":{"email":"buyer@example.com"},
                   "last_transaction_id":"%s",
                   "last_transaction":{"id":"%s","order":"%s","amount":1990,"currency":"USD"},
                   "current_period_start_date":"%s","current_period_end_date":"%s",
                   "metadata":{"userId":"%d","product":"pro-monthly"}}}""".formatted(eventId, start.toEpochMilli(), sub, txn, txn, order, start, end, userId);
    }

    static String refund(String eventId, String refundId, String txn, String order, long amount) {
        return """
                {"id":"%s","eventType":"refund.created","created_at":1728734325927,
                 "object":{"id":"%s","object":"refund","status":"succeeded","refund_amount":%d,"refund_currency":"USD",
                   "transaction":{"id":"%s","amount":1990,"order":"%s"},
                   "order":{"id":"%s","amount":1990,"currency":"USD"}}}""".formatted(eventId, refundId, amount, txn, order, order);
    }
}
