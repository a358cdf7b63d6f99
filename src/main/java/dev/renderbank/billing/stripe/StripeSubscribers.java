package dev.renderbank.billing.stripe;

import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.core.Buyers;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Whose Stripe subscription it is. A Stripe account may be shared (another application, another
 * deployment of renderbank with the same prices, a payment link or a subscription made in the
 * dashboard) and every endpoint gets every event, so the user id or email in an event's metadata or
 * customer is anyone's. A subscription is renderbank's when it is recorded here (its checkout session
 * completed), or when its metadata names a checkout renderbank opened ({@code checkoutId}: the
 * checkout puts it in {@code subscription_data.metadata}, and Stripe copies it into each invoice): its
 * first events may come before its session's. It belongs to the user it is recorded for, else to the
 * user that checkout was opened for.
 */
@Component
class StripeSubscribers {

    private final SubscriptionStore subscriptions;
    private final CheckoutStore checkouts;
    private final Buyers buyers;

    StripeSubscribers(SubscriptionStore subscriptions, CheckoutStore checkouts, Buyers buyers) {
        this.subscriptions = subscriptions;
        this.checkouts = checkouts;
        this.buyers = buyers;
    }

    /** The user of subscription {@code subId} whose metadata is {@code metadata}; empty: not renderbank's. */
    Optional<Long> of(String subId, JsonNode metadata) {
        Optional<Long> recorded = subscriptions.find("stripe", subId).map(Subscription::userId);
        return recorded.isPresent() ? recorded : opened(metadata).flatMap(c -> buyers.known(c.userId()));
    }

    /** The Stripe checkout renderbank opened that {@code metadata}'s {@code checkoutId} names. */
    Optional<CheckoutStore.Checkout> opened(JsonNode metadata) {
        String checkoutId = Json.text(metadata, "checkoutId");
        return checkoutId == null
                ? Optional.empty()
                : checkouts.find(checkoutId).filter(c -> "stripe".equals(c.provider()));
    }
}
