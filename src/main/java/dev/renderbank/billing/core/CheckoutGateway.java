package dev.renderbank.billing.core;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.Product;
import java.time.Instant;

/** A payment provider's hosted checkout and subscription API. Calls are remote: never inside a transaction. */
public interface CheckoutGateway {

    /**
     * {@code openUntil}: when renderbank stops counting the checkout as open (a plan checkout blocks
     * another plan's until then); the provider's page must be payable no longer than that. Null: the
     * provider's default.
     */
    record Request(
            String checkoutId, long userId, String email, Product product, String successUrl, Instant openUntil) {

        public Request(String checkoutId, long userId, String email, Product product, String successUrl) {
            this(checkoutId, userId, email, product, successUrl, null);
        }
    }

    record Session(String url, String providerRef) {}

    /** The provider could not be reached or refused the call; nothing was bought. */
    class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    PaymentsProperties.Provider mode();

    Session create(Request request);

    /** Cancels at the end of the paid period. */
    void cancel(String subscriptionId);

    /**
     * Cancels at once a subscription whose first payment failed (nothing is paid to keep), so that the
     * provider collects no retry of it and never renews it. Returns normally also when the provider
     * answers that it has already ended or does not exist: asking again is harmless. Only Stripe's
     * plans end so; another provider's is cancelled as {@link #cancel} does.
     */
    default void cancelUnpaid(String subscriptionId) {
        cancel(subscriptionId);
    }
}
