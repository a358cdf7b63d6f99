package dev.renderbank.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.support.IntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

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

    private long alertsAbout(String provider) {
        return jdbc.sql("select count(*) from operator_alert where kind = 'billing.webhook.signature'"
                        + " and message like :m")
                .param("m", "% " + provider + " webhooks refused%")
                .query(Long.class)
                .single();
    }
}
