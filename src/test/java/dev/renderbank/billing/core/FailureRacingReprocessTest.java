package dev.renderbank.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.HeldLockRace;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.OpenedCheckouts;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An attempt that failed records its failure after its own transaction rolled back, so an operator's
 * reprocess may take the event's row in between and finish it. The failure then finds the event
 * finished: nothing is recorded and operators are not told that the event "is kept and retried".
 */
class FailureRacingReprocessTest extends IntegrationTest {

    @Autowired
    WebhookIntake intake;

    @Autowired
    EventProcessor processor;

    @Autowired
    PaymentEventStore store;

    @Autowired
    ProductCatalog catalog;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    /** A paid pack checkout renderbank opened for a buyer who exists, stored and not yet attempted. */
    private long storedPurchaseEvent(long userId) {
        String id = UUID.randomUUID().toString();
        var pack = catalog.product("pack-200").orElseThrow();
        String payload = OpenedCheckouts.forCreemEvent(jdbc, "simulated", """
                {"id":"evt_%1$s","eventType":"checkout.completed","created_at":%2$d,
                 "object":{"id":"ch_%1$s","object":"checkout","status":"completed","request_id":"chk_%1$s",
                   "order":{"id":"ord_%1$s","product":"%3$s","amount":%4$d,"currency":"%5$s","status":"paid","type":"onetime"},
                   "product":{"id":"%3$s"},"customer":{"email":"buyer@example.com"},
                   "metadata":{"userId":"%6$d","product":"pack-200"}}}""".formatted(
                id, clock.instant().toEpochMilli(), pack.creemProductId(), pack.priceMinor(), pack.currency(), userId));
        return tx.execute(s -> store.store("simulated", "evt_" + id, "checkout.completed", payload, clock.instant()));
    }

    private long failedAlertsAbout(long eventId) {
        return alerts.recent(1000).stream()
                .filter(a -> a.kind().equals("billing.webhook.failed")
                        && a.message().startsWith("Payment webhook " + eventId + " "))
                .count();
    }

    @Test
    void aFailureThatMeetsAReprocessedEventRecordsNothingAndAlertsNobody() throws Exception {
        String email = "buyer-" + UUID.randomUUID() + "@test.local";
        long userId = users.create(email, "correct horse battery staple", Role.USER, true)
                .id();
        long eventId = storedPurchaseEvent(userId);

        // the reprocess takes the row first; the failed attempt read the event unfinished and waits behind it
        var results = HeldLockRace.onRow(dataSource, "select 1 from payment_event where id = ? for update", eventId)
                .inOrder(() -> intake.reprocess(intake.screen(eventId)), () -> {
                    processor.recordFailure(eventId, "IllegalStateException: a moment's failure");
                    return true;
                });

        assertThat(results.a()).isEqualTo("processed");
        var row = jdbc.sql("select status, attempts, last_error from payment_event where id = :id")
                .param("id", eventId)
                .query((rs, n) ->
                        new Object[] {rs.getString("status"), rs.getInt("attempts"), rs.getString("last_error")})
                .single();
        assertThat(row[0]).isEqualTo("PROCESSED");
        assertThat(row[1]).isEqualTo(1); // the reprocess's attempt only
        assertThat((String) row[2]).doesNotContain("a moment's failure");
        assertThat(ledger.balance(userId).balance()).isEqualTo(200);
        assertThat(failedAlertsAbout(eventId)).isZero();
    }

    @Test
    void aFailureRecordedBeforeTheReprocessIsAlertedAndTheReprocessStillGrants() throws Exception {
        String email = "buyer-" + UUID.randomUUID() + "@test.local";
        long userId = users.create(email, "correct horse battery staple", Role.USER, true)
                .id();
        long eventId = storedPurchaseEvent(userId);

        HeldLockRace.onRow(dataSource, "select 1 from payment_event where id = ? for update", eventId)
                .inOrder(
                        () -> {
                            processor.recordFailure(eventId, "IllegalStateException: a moment's failure");
                            return true;
                        },
                        () -> intake.reprocess(intake.screen(eventId)));

        assertThat(failedAlertsAbout(eventId)).isEqualTo(1);
        assertThat(jdbc.sql("select status from payment_event where id = :id")
                        .param("id", eventId)
                        .query(String.class)
                        .single())
                .isEqualTo("PROCESSED");
        assertThat(ledger.balance(userId).balance()).isEqualTo(200);
    }
}
