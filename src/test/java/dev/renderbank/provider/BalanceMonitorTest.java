package dev.renderbank.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.Availability.State;
import dev.renderbank.provider.internal.BalanceMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Reads the (simulated) provider balance over HTTP; alerts once per crossing of the 2000-credit threshold. */
class BalanceMonitorTest extends ProviderIntegrationTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void lowBalanceAlertsOncePerCrossingAndRecoveryIsReported() {
        simulator.setBalance(1500);
        assertThat(monitor.check()).isEqualTo(new BalanceOutcome.Known(1500));
        assertThat(monitor.check()).isEqualTo(new BalanceOutcome.Known(1500));
        simulator.setBalance(900);
        monitor.check();
        assertThat(alertsSinceStart("provider.balance.low")).isEqualTo(1);
        assertThat(alertsSinceStart("provider.balance.recovered")).isZero();

        simulator.setBalance(5000);
        monitor.check();
        monitor.check();
        assertThat(alertsSinceStart("provider.balance.recovered")).isEqualTo(1);

        simulator.setBalance(100);
        monitor.check();
        assertThat(alertsSinceStart("provider.balance.low")).isEqualTo(2);
        assertThat(status.current().available()).isTrue();
    }

    @Test
    void theBalanceIsExportedAsAGauge() {
        simulator.setBalance(4321);
        monitor.check();

        assertThat(monitor.lastKnownBalance()).hasValue(4321);
        assertThat(meters.get(BalanceMonitor.BALANCE_GAUGE).gauge().value()).isEqualTo(4321.0);
        assertThat(meters.get("renderbank.provider.available").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void anEmptyAccountTripsTheExhaustedStateBeforeAnyJobFails() {
        simulator.setBalance(0);
        monitor.check();

        assertThat(status.current().state()).isEqualTo(State.EXHAUSTED);
        assertThat(meters.get("renderbank.provider.available").gauge().value()).isEqualTo(0.0);
    }
}
