package dev.renderbank.notify.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/**
 * {@code renderbank.webhooks.lease} keeps a delivery being sent from other senders: it must outlast
 * one attempt (connect timeout + read timeout, after which an attempt is cut off), or a second node
 * claims and sends the same delivery while the first is still sending it. A lease that cannot is
 * refused at start, naming the settings, rather than sending duplicates in production.
 */
class WebhookPropertiesTest {

    @EnableConfigurationProperties(WebhookProperties.class)
    static class Props {}

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(Props.class);
    }

    @Test
    void theDefaultsHoldALeaseLongerThanAnAttempt() {
        runner().run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(WebhookProperties.class));
    }

    @Test
    void aLeaseNoLongerThanConnectPlusReadTimeoutIsRefusedAtStart() {
        runner().withPropertyValues(
                        "renderbank.webhooks.lease=15s",
                        "renderbank.webhooks.connect-timeout=5s",
                        "renderbank.webhooks.read-timeout=10s")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause().hasMessageContaining("lease"));
        runner().withPropertyValues("renderbank.webhooks.read-timeout=2m")
                .run(ctx -> assertThat(ctx).hasFailed());
        runner().withPropertyValues("renderbank.webhooks.lease=16s")
                .run(ctx -> assertThat(ctx).hasNotFailed());
    }
}
