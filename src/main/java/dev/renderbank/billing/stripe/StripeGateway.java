package dev.renderbank.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.net.RequestOptions;
import com.stripe.param.SubscriptionUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.core.CheckoutGateway;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Stripe Checkout Sessions through stripe-java; the API base is configurable for tests. */
@Component
class StripeGateway implements CheckoutGateway {

    private final StripeClients clients;

    StripeGateway(StripeClients clients) {
        this.clients = clients;
    }

    @Override
    public PaymentsProperties.Provider mode() {
        return PaymentsProperties.Provider.STRIPE;
    }

    /** How long before renderbank's {@code openUntil} the Stripe page expires. */
    static final Duration EXPIRY_MARGIN = Duration.ofHours(1);

    @Override
    public CheckoutGateway.Session create(Request r) {
        Map<String, String> metadata = Map.of(
                "userId", Long.toString(r.userId()), "product", r.product().id(), "checkoutId", r.checkoutId());
        var params = SessionCreateParams.builder()
                .setSuccessUrl(r.successUrl())
                .setClientReferenceId(Long.toString(r.userId()))
                .setCustomerEmail(r.email())
                .putAllMetadata(metadata)
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setPrice(r.product().stripePriceId())
                        .setQuantity(1L)
                        .build());
        if (r.openUntil() != null) {
            // Stripe's default expiry is a day after its own creation time, a moment after the
            // checkout's row was written: while a plan's session could still be paid, a second plan
            // checkout would already be let through. An hour's margin also covers clocks that differ;
            // Stripe takes 30 min to 24 h after creation.
            params.setExpiresAt(r.openUntil().minus(EXPIRY_MARGIN).getEpochSecond());
        }
        if (r.product().isPlan()) {
            params.setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                    .setSubscriptionData(SessionCreateParams.SubscriptionData.builder()
                            .putAllMetadata(metadata)
                            .build());
        } else {
            params.setMode(SessionCreateParams.Mode.PAYMENT)
                    .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                            .putAllMetadata(metadata)
                            .build());
        }
        try {
            com.stripe.model.checkout.Session s = client().v1()
                    .checkout()
                    .sessions()
                    .create(
                            params.build(),
                            RequestOptions.builder()
                                    .setIdempotencyKey(r.checkoutId())
                                    .build());
            return new CheckoutGateway.Session(s.getUrl(), s.getId());
        } catch (StripeException e) {
            throw new Unavailable("Stripe checkout failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void cancel(String subscriptionId) {
        try {
            client().v1()
                    .subscriptions()
                    .update(
                            subscriptionId,
                            SubscriptionUpdateParams.builder()
                                    .setCancelAtPeriodEnd(true)
                                    .build());
        } catch (StripeException e) {
            throw new Unavailable("Stripe cancel failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@code DELETE /v1/subscriptions/{id}}: Stripe ends the subscription now, stops collecting its
     * open invoice and sends {@code customer.subscription.deleted}. Stripe answers a subscription
     * already canceled (or expired) as one it does not have (404 {@code resource_missing}): done, not
     * an error to retry for ever.
     */
    @Override
    public void cancelUnpaid(String subscriptionId) {
        try {
            client().v1().subscriptions().cancel(subscriptionId);
        } catch (StripeException e) {
            if (alreadyEnded(e)) {
                return;
            }
            throw new Unavailable("Stripe cancel failed: " + e.getMessage(), e);
        }
    }

    private static boolean alreadyEnded(StripeException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return "resource_missing".equals(e.getCode())
                || (Integer.valueOf(400).equals(e.getStatusCode()) && message.contains("canceled subscription"));
    }

    private StripeClient client() {
        return clients.client();
    }
}
