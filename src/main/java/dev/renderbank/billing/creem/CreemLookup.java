package dev.renderbank.billing.creem;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.ProviderPayment;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.PaymentLookup;
import dev.renderbank.billing.db.CheckoutStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creem read back. Creem's API lists transactions ({@code GET /v1/transactions/search}) without a date
 * filter and without the checkout, its {@code request_id} or metadata, so a transaction can neither be
 * limited to the window nor replayed as the {@code checkout.completed} its webhook carries. What can
 * be compared is every checkout we opened at Creem in the window and that no webhook completed: each
 * is fetched by id ({@code GET /v1/checkouts?checkout_id=}); a completed one with a paid order for a
 * pack is a payment whose webhook was lost or refused. Its purchase key is the webhook's (the order
 * id), so a repair, which feeds the fetched checkout through the normal processing as
 * {@code checkout.completed}, and a late webhook record one purchase. A plan's checkout records a
 * subscription, not a purchase (credits come with {@code subscription.paid}), so it is not compared.
 */
@Component
class CreemLookup implements PaymentLookup {

    static final String CHECKOUT = "checkout";

    /** At most this many open checkouts are fetched in one run (one request each). */
    private static final int MAX_CHECKOUTS = 500;

    private static final JsonMapper JSON = JsonMapper.shared();

    private final CreemApi api;
    private final CheckoutStore checkouts;
    private final ProductCatalog catalog;

    CreemLookup(CreemApi api, CheckoutStore checkouts, ProductCatalog catalog) {
        this.api = api;
        this.checkouts = checkouts;
        this.catalog = catalog;
    }

    @Override
    public String provider() {
        return "creem";
    }

    @Override
    public Optional<String> unavailable() {
        return api.configured() ? Optional.empty() : Optional.of("CREEM_API_KEY is not set");
    }

    @Override
    public List<ProviderPayment> paidSince(Instant from) {
        List<ProviderPayment> paid = new ArrayList<>();
        for (String checkoutId : checkouts.openAtProvider(provider(), from, MAX_CHECKOUTS)) {
            checkout(checkoutId).flatMap(this::paidPack).ifPresent(paid::add);
        }
        return paid;
    }

    @Override
    public Optional<AsEvent> fetch(String kind, String objectId) {
        if (!CHECKOUT.equals(kind)) {
            return Optional.empty();
        }
        return checkout(objectId).flatMap(this::paidPack).map(p -> {
            String eventId = "reconcile:" + CHECKOUT + ":" + objectId;
            String payload =
                    "{\"id\":\"" + eventId + "\",\"eventType\":\"checkout.completed\",\"object\":" + p.raw() + "}";
            return new AsEvent(eventId, "checkout.completed", payload, p);
        });
    }

    /** The checkout as Creem's API returns it, empty if Creem has no such checkout. */
    private Optional<JsonNode> checkout(String checkoutId) {
        String body;
        try {
            body = api.http()
                    .get()
                    .uri(u -> u.path("/v1/checkouts")
                            .queryParam("checkout_id", checkoutId)
                            .build())
                    .header("x-api-key", api.apiKey())
                    .retrieve()
                    .body(String.class);
        } catch (HttpClientErrorException e) {
            if (e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)) {
                return Optional.empty();
            }
            throw new Unavailable("Creem checkout " + checkoutId + " could not be read: " + e.getMessage(), e);
        } catch (RestClientException e) {
            throw new Unavailable("Creem checkout " + checkoutId + " could not be read: " + e.getMessage(), e);
        }
        return body == null || body.isBlank() ? Optional.empty() : Optional.of(JSON.readTree(body));
    }

    /** The order's {@code created_at} (an ISO-8601 time in Creem's API), null if absent or not a time. */
    private static Instant orderCreated(JsonNode c) {
        String at = Json.text(c, "order", "created_at");
        try {
            return at == null ? null : Instant.parse(at);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** A completed checkout of a pack whose order is paid, as the purchase its webhook records. */
    private Optional<ProviderPayment> paidPack(JsonNode c) {
        String orderId = Json.id(c, "order");
        if (!"completed".equals(Json.text(c, "status"))
                || !"paid".equals(Json.text(c, "order", "status"))
                || orderId == null) {
            return Optional.empty();
        }
        Optional<Product> product = CreemEvents.product(catalog, c);
        if (product.isPresent() && product.get().isPlan()) {
            return Optional.empty();
        }
        Long amount =
                Optional.ofNullable(Json.number(c, "order", "amount_paid")).orElse(Json.number(c, "order", "amount"));
        return Optional.of(new ProviderPayment(
                provider(),
                CHECKOUT,
                Json.text(c, "id"),
                CreemEvents.packKey(orderId),
                Json.text(c, "metadata", "userId"),
                product.map(Product::id).orElse(CreemEvents.creemProductId(c)),
                amount,
                Json.text(c, "order", "currency"),
                orderCreated(c),
                c.toString()));
    }
}
