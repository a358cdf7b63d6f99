package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.StartFailureReport;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/**
 * A metrics token of the wrong length stops the start with a message that says what to fix (the
 * setting, the lengths it takes, the length it has) and never the token: the start's output goes to
 * logs and consoles that more people read than should know it.
 */
class MetricsTokenSettingTest {

    @EnableConfigurationProperties(MetricsTokenProperties.class)
    static class Props {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Props.class);

    @Test
    void aTokenOfTheWrongLengthStopsTheStartWithoutShowingIt() {
        for (String token : new String[] {"short-secret-1a2b", "long-metrics-secret-".repeat(11)}) {
            runner.withPropertyValues("renderbank.metrics.token=" + token).run(ctx -> {
                assertThat(ctx).hasFailed();
                String report = StartFailureReport.of(ctx.getStartupFailure());
                assertThat(report)
                        .as(report)
                        .contains("renderbank.metrics.token")
                        .contains("24")
                        .doesNotContain(token.substring(0, 12));
            });
        }
    }

    @Test
    void aTokenOf24To200CharactersOrNoneStarts() {
        runner.run(ctx -> assertThat(ctx).hasNotFailed());
        runner.withPropertyValues("renderbank.metrics.token=" + "t".repeat(24))
                .run(ctx -> assertThat(ctx).hasNotFailed());
        runner.withPropertyValues("renderbank.metrics.token=" + "t".repeat(200))
                .run(ctx -> assertThat(ctx).hasNotFailed());
    }
}
