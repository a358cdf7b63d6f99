package dev.renderbank.provider.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.StartFailureReport;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/**
 * The simulator's API key ({@code RENDERBANK_SIMULATOR_API_KEY}) is a secret: a start it stops, or
 * one another simulator setting stops while it is set, says what to fix and never shows the key.
 */
class SimulatorKeySettingTest {

    static final String KEY = "simulator-secret-key-0123456789";

    @EnableConfigurationProperties(SimulatorProperties.class)
    static class Props {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Props.class);

    @Test
    void aKeyTooShortStopsTheStartWithoutShowingIt() {
        runner.withPropertyValues("renderbank.simulator.api-key=sim-secret-12").run(ctx -> {
            assertThat(ctx).hasFailed();
            String report = StartFailureReport.of(ctx.getStartupFailure());
            assertThat(report)
                    .as(report)
                    .contains("renderbank.simulator.api-key")
                    .doesNotContain("sim-secret-12");
        });
    }

    @Test
    void anotherSettingThatStopsTheStartDoesNotShowTheKey() {
        runner.withPropertyValues("renderbank.simulator.api-key=" + KEY, "renderbank.simulator.callback-interval=0s")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    String report = StartFailureReport.of(ctx.getStartupFailure());
                    assertThat(report).as(report).contains("callback-interval").doesNotContain(KEY);
                });
        runner.withPropertyValues("renderbank.simulator.api-key=" + KEY, "renderbank.simulator.threads=0")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    String report = StartFailureReport.of(ctx.getStartupFailure());
                    assertThat(report).as(report).contains("threads").doesNotContain(KEY);
                });
    }
}
