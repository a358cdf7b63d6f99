package dev.renderbank.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A Stripe Checkout Session as renderbank records it when it opens one (its id stored on the
 * checkout): only such sessions grant anything or are looked for by reconciliation.
 */
public final class OpenedCheckouts {

    private OpenedCheckouts() {}

    /** Records {@code sessionId} as opened for {@code userId} and {@code product}; returns the session id. */
    public static String stripe(JdbcClient jdbc, long userId, String product, String sessionId, Instant at) {
        jdbc.sql("""
                        insert into billing_checkout (id, user_id, product, provider, url, provider_ref, status, created_at)
                        values (:id, :user, :product, 'stripe', :url, :ref, 'OPEN', :at)""")
                .param("id", "chk_" + UUID.randomUUID().toString().replace("-", ""))
                .param("user", userId)
                .param("product", product)
                .param("url", "https://checkout.stripe.com/c/pay/" + sessionId)
                .param("ref", sessionId)
                .param("at", at.atOffset(ZoneOffset.UTC))
                .update();
        return sessionId;
    }
}
