package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
