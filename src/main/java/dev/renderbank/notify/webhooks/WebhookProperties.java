package dev.renderbank.notify.webhooks;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.webhooks.*}: client webhooks (Standard Webhooks) and the rules for their URLs.
 *
 * @param allowPrivateHosts lets endpoints resolve to private and loopback addresses (never
 *     link-local/metadata, see {@link WebhookUrlPolicy}) and use plain http to loopback (a receiver
 *     on this machine while developing); refused in {@code prod} by {@link WebhooksProductionCheck}
 * @param maxEndpointsPerUser endpoints one user may register
 * @param connectTimeout to connect to a receiver
 * @param readTimeout for the receiver's answer; a 2xx within it is a delivery
 * @param retryWindow how long a delivery is retried before it is {@code FAILED}; at least
 *     {@code firstRetry}, or a delivery gets no retry at all
 * @param firstRetry the wait after the first failed attempt; doubles per attempt; positive
 * @param maxRetry the longest wait between two attempts; at least {@code firstRetry}
 * @param sendInterval how often the sender looks for due deliveries; positive
 * @param lease how long a delivery being sent is kept from other senders: longer than one attempt,
 *     which is cut off after connect timeout + read timeout (checked at start)
 * @param disableAfter an endpoint whose deliveries have failed this long, with none getting through,
 *     is disabled and its owner emailed; positive
 * @param senders deliveries sent at the same time by one node (1–64), to different endpoints: an
 *     endpoint is sent one delivery at a time, so a slow receiver holds one sender at most
 * @param resendInterval a delivery may be resent by its owner once per this long (so no client can
 *     use resends to flood a URL); positive
 * @param maxResendsPerUser resends one user may ask for per {@code resendCountWindow}, all deliveries
 *     together (1–100000), so no owner can keep the senders busy by resending every delivery each
 *     {@code resendInterval}
 * @param resendCountWindow the window {@code maxResendsPerUser} counts in; positive
 * @param deliveryRetention a delivered or failed delivery, with its attempts, is deleted this long
 *     after it was created; at least {@code retryWindow}
 *     <p>Every duration is checked for meaning at start, not only presence: a zero or negative wait
 *     would retry in a tight loop or disable an endpoint at its first failure.
 */
@Validated
@ConfigurationProperties("renderbank.webhooks")
public record WebhookProperties(
        @DefaultValue("false") boolean allowPrivateHosts,
        @DefaultValue("10") @Min(1) @Max(100) int maxEndpointsPerUser,
        @DefaultValue("5s") @NotNull Duration connectTimeout,
        @DefaultValue("10s") @NotNull Duration readTimeout,
        @DefaultValue("24h") @NotNull Duration retryWindow,
        @DefaultValue("30s") @NotNull Duration firstRetry,
        @DefaultValue("2h") @NotNull Duration maxRetry,
        @DefaultValue("5s") @NotNull Duration sendInterval,
        @DefaultValue("1m") @NotNull Duration lease,
        @DefaultValue("3d") @NotNull Duration disableAfter,
        @DefaultValue("4") @Min(1) @Max(64) int senders,
        @DefaultValue("1m") @NotNull Duration resendInterval,
        @DefaultValue("100") @Min(1) @Max(100000) int maxResendsPerUser,
        @DefaultValue("1h") @NotNull Duration resendCountWindow,
        @DefaultValue("90d") @NotNull Duration deliveryRetention) {

    public WebhookProperties {
        positive(connectTimeout, "connect-timeout");
        positive(readTimeout, "read-timeout");
        positive(firstRetry, "first-retry");
        positive(maxRetry, "max-retry");
        positive(retryWindow, "retry-window");
        positive(sendInterval, "send-interval");
        positive(lease, "lease");
        positive(disableAfter, "disable-after");
        positive(resendInterval, "resend-interval");
        positive(resendCountWindow, "resend-count-window");
        positive(deliveryRetention, "delivery-retention");
        if (retryWindow != null && deliveryRetention != null && deliveryRetention.compareTo(retryWindow) < 0) {
            throw new IllegalArgumentException("renderbank.webhooks.delivery-retention (" + deliveryRetention
                    + ") must be at least renderbank.webhooks.retry-window (" + retryWindow + ")");
        }
        if (firstRetry != null && maxRetry != null && maxRetry.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("renderbank.webhooks.max-retry (" + maxRetry
                    + ") must be at least renderbank.webhooks.first-retry (" + firstRetry + ")");
        }
        if (firstRetry != null && retryWindow != null && retryWindow.compareTo(firstRetry) < 0) {
            throw new IllegalArgumentException("renderbank.webhooks.retry-window (" + retryWindow
                    + ") must be at least renderbank.webhooks.first-retry (" + firstRetry
                    + "), or a failed delivery is never retried");
        }
    }

    private static void positive(Duration d, String key) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("renderbank.webhooks." + key + " must be positive (was " + d + ")");
        }
    }

    /**
     * The lease outlasts an attempt ({@link WebhookHttp} ends one after connect + read timeout);
     * otherwise another sender claims the delivery while it is still being sent, and sends it twice.
     */
    @AssertTrue(
            message = "renderbank.webhooks.lease must be longer than connect-timeout + read-timeout (one attempt at"
                    + " most), or a delivery still being sent is claimed and sent again")
    public boolean isLeaseLongerThanAnAttempt() {
        return lease == null
                || connectTimeout == null
                || readTimeout == null
                || lease.compareTo(connectTimeout.plus(readTimeout)) > 0;
    }

    /** Wait after {@code attempts} failed attempts: first-retry doubled per further attempt, capped. */
    public Duration backoff(int attempts) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 30);
        Duration d = firstRetry.multipliedBy(1L << doublings);
        return d.compareTo(maxRetry) > 0 || d.isNegative() ? maxRetry : d;
    }
}
