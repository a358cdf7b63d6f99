package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The stuck-job thresholds are configuration ({@code renderbank.ops.stuck.*}), with documented defaults. */
class StuckThresholdsTest {

    private static OpsProperties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props))
                .bindOrCreate("renderbank.ops", OpsProperties.class);
    }

    @Test
    void defaultsAreThirtyMinutesOverdueAndTenMinutesWithoutProviderContact() {
        OpsProperties p = bind(Map.of());
        assertThat(p.stuck().overdue()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.stuck().quiet()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void bothThresholdsAreConfigurable() {
        OpsProperties p = bind(Map.of("renderbank.ops.stuck.overdue", "2h", "renderbank.ops.stuck.quiet", "90s"));
        assertThat(p.stuck().overdue()).isEqualTo(Duration.ofHours(2));
        assertThat(p.stuck().quiet()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void aZeroThresholdIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("renderbank.ops.stuck.quiet", "0s")))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }
}
