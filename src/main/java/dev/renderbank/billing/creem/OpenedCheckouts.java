package dev.renderbank.billing.creem;

import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.billing.db.CheckoutStore.Checkout;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * The checkout renderbank opened that a Creem event belongs to. Only such a checkout grants anything,
 * for the user and product it was opened for: a Creem store can have several webhook endpoints (another
 * application, another deployment of renderbank, a payment link made in Creem's dashboard), its events
 * name no application, and metadata alone is anyone's. Creem echoes the checkout's {@code request_id}
 * (our checkout id) and keeps the metadata renderbank sent ({@code checkoutId} among it); the checkout's
 * own id is what renderbank recorded as the provider's reference when it opened it.
 */
@Component
class OpenedCheckouts {

    /** The providers whose checkouts speak Creem's format: Creem's, and the simulated checkout's. */
    private static final Set<String> CREEM_FORMAT = Set.of("creem", "simulated");

    private final CheckoutStore checkouts;

    OpenedCheckouts(CheckoutStore checkouts) {
        this.checkouts = checkouts;
    }

    /** The checkout a {@code checkout.completed} object completes, if renderbank opened it. */
    Optional<Checkout> completedBy(JsonNode checkout) {
        return ours(Json.text(checkout, "request_id"))
                .or(() -> Optional.ofNullable(Json.text(checkout, "id"))
                        .flatMap(id -> checkouts.byProviderRef("creem", id)))
                .or(() -> ours(Json.text(checkout, "metadata", "checkoutId")));
    }

    /** The checkout a subscription's metadata names ({@code checkoutId}), if renderbank opened it. */
    Optional<Checkout> namedBy(JsonNode subscription) {
        return ours(Json.text(subscription, "metadata", "checkoutId"));
    }

    private Optional<Checkout> ours(String checkoutId) {
        return checkoutId == null
                ? Optional.empty()
                : checkouts.find(checkoutId).filter(c -> CREEM_FORMAT.contains(c.provider()));
    }
}
