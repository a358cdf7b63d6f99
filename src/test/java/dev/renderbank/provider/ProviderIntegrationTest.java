package dev.renderbank.provider;

import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.provider.internal.BalanceMonitor;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.IntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The app with the built-in simulator as its provider (no KIE key), signed callbacks, and a quick
 * callback loop. Each test starts from an available provider with the simulator's default
 * behaviour, and counts only the operator alerts raised after it started.
 */
@TestPropertySource(
        properties = {
            "renderbank.provider.kie.webhook-hmac-key=" + ProviderIntegrationTest.HMAC_KEY,
            "renderbank.simulator.callback-interval=200ms"
        })
abstract class ProviderIntegrationTest extends IntegrationTest {

    static final String HMAC_KEY = "test-webhook-hmac-key";

    @Autowired
    protected ProviderGateway gateway;

    @Autowired
    protected ProviderStatus status;

    @Autowired
    protected BalanceMonitor monitor;

    @Autowired
    protected KieSimulator simulator;

    @Autowired
    protected OperatorAlerts alerts;

    private long alertMark;

    @BeforeEach
    void startFromAvailableProvider() {
        simulator.reset();
        monitor.check();
        status.clear("test start");
        alertMark = alerts.recent(1).stream()
                .mapToLong(OperatorAlerts.Alert::id)
                .max()
                .orElse(0);
    }

    @AfterEach
    void restoreSimulator() {
        simulator.reset();
        status.clear("test end");
    }

    /** Alerts of this kind raised since the test started. */
    protected long alertsSinceStart(String kind) {
        return alerts.recent(1000).stream()
                .filter(a -> a.id() > alertMark && a.kind().equals(kind))
                .count();
    }
}
