package dev.renderbank.billing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.HeldTransaction;
import dev.renderbank.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 14, scale-out: refused webhook signatures are one signal however many nodes the webhooks
 * land on (a load balancer spreads them). Node A is this application's bean; node B is a second
 * instance on the same database, as another process would be. The threshold is 5 within 10 min.
 */
class SignatureFailuresAcrossNodesTest extends IntegrationTest {

    @Autowired
    SignatureFailures nodeA;

    @Autowired
    MeterRegistry meters;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    PaymentsProperties props;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @Test
    void failuresSpreadOverTwoNodesAlertOncePerWindow() {
        SignatureFailures nodeB = new SignatureFailures(jdbc, meters, alerts, props, clock);
        String provider = "test-" + System.nanoTime();

        nodeA.record(provider, "bad signature", "192.0.2.1");
        nodeB.record(provider, "bad signature", "192.0.2.2");
        nodeA.record(provider, "bad signature", "192.0.2.3");
        nodeB.record(provider, "bad signature", "192.0.2.4");
        assertThat(alertsAbout(provider)).isZero();
        nodeA.record(provider, "bad signature", "192.0.2.5");
        assertThat(alertsAbout(provider))
                .as("5 failures within the window, on two nodes")
                .isEqualTo(1);

        for (int i = 0; i < 6; i++) {
            (i % 2 == 0 ? nodeB : nodeA).record(provider, "bad signature", "192.0.2.6");
        }
        assertThat(alertsAbout(provider))
                .as("at most one alert per window, whichever node")
                .isEqualTo(1);

        clock.advance(props.signatureAlertWindow().plus(Duration.ofMinutes(1)));
        for (int i = 0; i < 5; i++) {
            (i % 2 == 0 ? nodeB : nodeA).record(provider, "bad signature", "192.0.2.7");
        }
        assertThat(alertsAbout(provider)).as("persisting into the next window").isEqualTo(2);
    }

    @Test
    void aFloodOfRefusedWebhooksWritesBoundedRowsAndAlertsOncePerWindow() {
        SignatureFailures nodeB = new SignatureFailures(jdbc, meters, alerts, props, clock);
        clock.freeze();
        String provider = "flood-" + System.nanoTime();

        for (int i = 0; i < 4; i++) {
            (i % 2 == 0 ? nodeA : nodeB).record(provider, "bad signature", "198.51.100.1");
        }
        assertThat(alertsAbout(provider)).as("below the threshold").isZero();
        nodeB.record(provider, "bad signature", "198.51.100.1");
        assertThat(alertsAbout(provider))
                .as("the 5th failure reaches the threshold")
                .isEqualTo(1);

        // 600 more within 3 minutes (one every 300 ms), spread over both nodes
        for (int i = 0; i < 600; i++) {
            clock.advance(Duration.ofMillis(300));
            (i % 2 == 0 ? nodeA : nodeB).record(provider, "bad signature", "198.51.100.1");
        }
        assertThat(alertsAbout(provider))
                .as("one alert per window, not one per failure")
                .isEqualTo(1);
        assertThat(rowsAbout(provider))
                .as("605 refused webhooks within 3 minutes: rows per time bucket, not per request")
                .isLessThanOrEqualTo(4);

        // a whole window later, the old buckets are gone and a new burst alerts again
        clock.advance(props.signatureAlertWindow().plus(Duration.ofMinutes(2)));
        for (int i = 0; i < 4; i++) {
            nodeA.record(provider, "bad signature", "198.51.100.2");
        }
        assertThat(alertsAbout(provider)).as("old failures no longer count").isEqualTo(1);
        nodeB.record(provider, "bad signature", "198.51.100.2");
        assertThat(alertsAbout(provider))
                .as("threshold reached in the next window")
                .isEqualTo(2);
        assertThat(rowsAbout(provider)).as("buckets outside the window pruned").isLessThanOrEqualTo(2);
    }

    /**
     * The webhook routes are public: refused calls must not queue on the bucket row's lock, each
     * holding a pooled connection (a flood took the whole pool, and every other request got 503).
     * While one call writes (here it waits for a transaction holding the row), the others on the node
     * count in memory and return; the writer adds their failures when it gets through.
     */
    @Test
    void refusedCallsDoNotQueueOnTheCountWhileOneWrites() throws Exception {
        String provider = "queue-" + System.nanoTime();
        SignatureFailures otherNode = new SignatureFailures(jdbc, meters, alerts, props, clock);
        try (var held = HeldTransaction.open(tx, jdbc, () -> {
            otherNode.record(provider, "bad signature", "203.0.113.1"); // holds the bucket's row
            return null;
        })) {
            ExecutorService callers = Executors.newFixedThreadPool(10);
            try {
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    calls.add(callers.submit(() -> nodeA.record(provider, "bad signature", "203.0.113.2")));
                }
                // all but the one writing return while the row is held
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> calls.stream().filter(Future::isDone).count() >= 9);
                held.commit();
                for (Future<?> call : calls) {
                    call.get(20, TimeUnit.SECONDS);
                }
            } finally {
                callers.shutdownNow();
            }
        }
        assertThat(jdbc.sql("select sum(failures) from webhook_signature_failure where provider = :p")
                        .param("p", provider)
                        .query(Long.class)
                        .single())
                .as("every refused call counted")
                .isEqualTo(11);
    }

    private long rowsAbout(String provider) {
        return jdbc.sql("select count(*) from webhook_signature_failure where provider = :p")
                .param("p", provider)
                .query(Long.class)
                .single();
    }

    private long alertsAbout(String provider) {
        return jdbc.sql("select count(*) from operator_alert where kind = 'billing.webhook.signature'"
                        + " and message like :m")
                .param("m", "% " + provider + " webhooks refused%")
                .query(Long.class)
                .single();
    }
}
