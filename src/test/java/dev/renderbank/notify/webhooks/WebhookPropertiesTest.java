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

    /**
     * The retry waits and the window they live in are checked for meaning, not only presence: a zero
     * or negative first wait retries a failing receiver in a tight loop (every send-interval), a cap
     * below the first wait silently replaces every wait by the cap, a window shorter than the first
     * wait leaves a delivery one attempt and no retry. Each is refused at start, naming the key.
     */
    @Test
    void retryWaitsAndWindowThatCannotRetryAreRefusedAtStart() {
        refused("renderbank.webhooks.first-retry=0s", "first-retry");
        refused("renderbank.webhooks.first-retry=-30s", "first-retry");
        refused("renderbank.webhooks.max-retry=0s", "max-retry");
        refused("renderbank.webhooks.max-retry=-1h", "max-retry");
        refused("renderbank.webhooks.max-retry=10s", "max-retry"); // below first-retry 30s
        refused("renderbank.webhooks.retry-window=0s", "retry-window");
        refused("renderbank.webhooks.retry-window=-1h", "retry-window");
        refused("renderbank.webhooks.retry-window=20s", "retry-window"); // shorter than first-retry 30s
        runner().withPropertyValues(
                        "renderbank.webhooks.first-retry=1s",
                        "renderbank.webhooks.max-retry=1s",
                        "renderbank.webhooks.retry-window=1s")
                .run(ctx -> assertThat(ctx).hasNotFailed());
    }

    /**
     * A zero send interval polls the database without pause; a zero or negative disable-after disables
     * an endpoint at its first failure; a zero timeout cuts every attempt off at once.
     */
    @Test
    void aZeroOrNegativeSendIntervalDisableAfterOrTimeoutIsRefusedAtStart() {
        refused("renderbank.webhooks.send-interval=0s", "send-interval");
        refused("renderbank.webhooks.send-interval=-5s", "send-interval");
        refused("renderbank.webhooks.disable-after=0s", "disable-after");
        refused("renderbank.webhooks.disable-after=-1d", "disable-after");
        refused("renderbank.webhooks.connect-timeout=0s", "connect-timeout");
        refused("renderbank.webhooks.read-timeout=-1s", "read-timeout");
    }

    private void refused(String setting, String key) {
        runner().withPropertyValues(setting)
                .run(ctx -> assertThat(ctx)
                        .as(setting)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("renderbank.webhooks." + key));
    }
}
