package dev.renderbank.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An operator told that a payment webhook failed looks it up at the payment provider, by the
 * provider's event id ({@code evt_…}), and at /admin/payments: the WARN line and the alerts {@code
 * billing.webhook.failed} and {@code billing.webhook.parked} name the provider, its event id and the
 * event's type, not only renderbank's own row id.
 */
class FailureNamesTheProviderEventTest extends IntegrationTest {

    @Autowired
    EventProcessor processor;

    @Autowired
    PaymentEventStore store;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    private final Logger logger = (Logger) LoggerFactory.getLogger(EventProcessor.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    FailureNamesTheProviderEventTest() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    private long stored(String providerEventId, String type) {
        return tx.execute(s -> store.store("stripe", providerEventId, type, "{}", clock.instant()));
    }

    private List<String> alertsAbout(String kind, long rowId) {
        return alerts.recent(1000).stream()
                .filter(a -> a.kind().equals(kind) && a.message().startsWith("Payment webhook " + rowId + " "))
                .map(OperatorAlerts.Alert::message)
                .toList();
    }

    private List<String> linesAbout(long rowId) {
        return lines.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("Payment webhook " + rowId + " "))
                .toList();
    }

    @Test
    void aFailedAttemptNamesTheProvidersEventIdAndType() {
        String providerEventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        long rowId = stored(providerEventId, "invoice.paid");

        processor.recordFailure(rowId, "IllegalStateException: plan not configured");

        assertThat(linesAbout(rowId))
                .singleElement()
                .asString()
                .contains("stripe", providerEventId, "invoice.paid", "attempt 1", "plan not configured");
        assertThat(alertsAbout("billing.webhook.failed", rowId))
                .singleElement()
                .asString()
                .contains("stripe", providerEventId, "invoice.paid", "attempt 1", "plan not configured");
    }

    @Test
    void aParkedEventNamesTheProvidersEventIdAndType() {
        String providerEventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
        long rowId = stored(providerEventId, "charge.refunded");
        // one attempt short of its last, not picked by the retry sweep meanwhile
        jdbc.sql("update payment_event set status = 'FAILED', attempts = :a, next_attempt_at = null where id = :id")
                .param("a", PaymentEventStore.BOUNDED_ATTEMPTS - 1)
                .param("id", rowId)
                .update();

        processor.recordFailure(rowId, "the refund's order is not recorded", true);

        assertThat(alertsAbout("billing.webhook.parked", rowId))
                .singleElement()
                .asString()
                .contains("stripe", providerEventId, "charge.refunded", "no longer retried");
    }
}
