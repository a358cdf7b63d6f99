package dev.renderbank.billing.creem;

import dev.renderbank.billing.PaymentsProperties;
import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.ProviderPayment;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.PaymentLookup;
import dev.renderbank.billing.db.CheckoutChecks;
import dev.renderbank.billing.db.PurchaseChargeStore;
import dev.renderbank.billing.db.SubscriptionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Creem read back, object by object: Creem's transaction search ({@code GET /v1/transactions/search})
 * filters by customer, order or product only, with no date filter, and a transaction names neither the
 * checkout, its {@code request_id} nor its metadata, so it can neither be limited to the window nor
 * replayed as the event its webhook carries. What is compared instead:
 *
 * <ul>
 *   <li>every checkout opened at Creem in the window that no webhook completed, fetched by id
 *       ({@code GET /v1/checkouts?checkout_id=}): a completed one with a paid order is a payment whose
 *       webhook was lost or refused. A pack's purchase key is the webhook's (the order id); a plan's is
 *       its subscription's current period ({@code GET /v1/subscriptions}), as {@code subscription.paid}
 *       records it. What Creem answers is recorded ({@link CheckoutChecks}): one it reports expired is
 *       not asked again, one unpaid only after a back-off, and those never asked come first, one of
 *       each user in turn;
 *   <li>every Creem subscription here due for a renewal (its recorded paid period, or its start, ended
 *       in the window and it is not canceled), fetched by id: a current period Creem reports paid that
 *       is not recorded is a {@code subscription.paid} lost or refused ({@link CreemPeriods});
 *   <li>every Creem purchase of the window against its transaction: refunds and charge-backs
 *       ({@link CreemCharges}), found but not replayable.
 * </ul>
 *
 * Calls per run are capped ({@link CallBudget}), each of the three kinds guaranteed its share; an
 * object Creem cannot answer is a warning of the run, and the others are still compared. A repair feeds the fetched objects through the normal
 * processing as the events their webhooks carry, under the same purchase keys.
 */
@Component
class CreemLookup implements PaymentLookup {

    static final String CHECKOUT = "checkout";

    /** At most this many open checkouts and due subscriptions are listed from our tables in one run. */
    private static final int MAX_LISTED = 500;

    private final CreemApi api;
    private final CheckoutChecks checks;
    private final SubscriptionStore subscriptions;
    private final ProductCatalog catalog;
    private final CreemPeriods periods;
    private final CreemCharges charges;
    private final PaymentsProperties props;
    private final Clock clock;

    CreemLookup(
            CreemApi api,
            CheckoutChecks checks,
            SubscriptionStore subscriptions,
            ProductCatalog catalog,
            CreemPeriods periods,
            CreemCharges charges,
            PaymentsProperties props,
            Clock clock) {
        this.api = api;
        this.checks = checks;
        this.subscriptions = subscriptions;
        this.catalog = catalog;
        this.periods = periods;
        this.charges = charges;
        this.props = props;
        this.clock = clock;
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
        return read(from).payments();
    }

    @Override
    public Read read(Instant from) {
        Instant now = clock.instant();
        List<ProviderPayment> paid = new ArrayList<>();
        List<String> notChecked = new ArrayList<>();
        List<String> open = checks.due(provider(), from, now, MAX_LISTED);
        List<String> due = subscriptions.dueForRenewal(provider(), from, now, MAX_LISTED);
        List<PurchaseChargeStore.Recorded> recent = charges.recent(from);
        // Each kind is guaranteed its share of the calls: many open checkouts cannot leave the renewals,
        // refunds and disputes unread, nor the other way round.
        CallBudget budget = new CallBudget(props.creem().reconcileMaxCalls());
        int[] share = budget.shares(open.size(), due.size(), recent.size());
        budget.next(share[1] + share[2]);
        for (int i = 0; i < open.size(); i++) {
            if (!budget.take()) {
                notChecked.add(budget.exhausted(open.size() - i, "open checkout(s)"));
                break;
            }
            try {
                checkout(open.get(i), now, budget).ifPresent(paid::add);
            } catch (Unavailable e) {
                notChecked.add(e.getMessage());
            }
        }
        budget.next(share[2]);
        for (int i = 0; i < due.size(); i++) {
            if (!budget.take()) {
                notChecked.add(budget.exhausted(due.size() - i, "subscription(s) due for a renewal"));
                break;
            }
            try {
                renewal(due.get(i)).ifPresent(paid::add);
            } catch (Unavailable e) {
                notChecked.add(e.getMessage());
            }
        }
        budget.next(0);
        CreemCharges.Found charged = charges.compare(recent, budget, notChecked);
        return new Read(paid, charged.refunds(), charged.disputes(), notChecked);
    }

    /**
     * An open checkout as Creem reports it now, if paid; what Creem answered is recorded, so that one
     * it reports expired is not asked again and one unpaid is asked again only after a back-off.
     */
    private Optional<ProviderPayment> checkout(String checkoutId, Instant now, CallBudget budget) {
        Optional<JsonNode> c = api.read("/v1/checkouts", "checkout_id", checkoutId);
        checks.answered(provider(), checkoutId, answer(c), now);
        return c.flatMap(found -> paidCheckout(found, budget));
    }

    /** What Creem's answer about a checkout says, as {@link CheckoutChecks} records it. */
    private static String answer(Optional<JsonNode> c) {
        if (c.isEmpty()) {
            return CheckoutChecks.NOT_FOUND;
        }
        if (paid(c.get())) {
            return CheckoutChecks.PAID;
        }
        // Creem's checkout statuses: pending, processing, completed (its order maybe unpaid), expired
        String status = Json.text(c.get(), "status");
        return status == null || status.isBlank() ? "unknown" : status.substring(0, Math.min(status.length(), 40));
    }

    @Override
    public Optional<AsEvent> fetch(String kind, String objectId) {
        // The repair's event is dated before Creem is read: what it says was true then, so an event Creem
        // dated later (a cancellation) still wins whichever is processed first. Undated, it took the time
        // it was processed, and a repair reprocessed late overwrote a later status with its snapshot.
        Instant readAt = clock.instant();
        if (CreemPeriods.SUBSCRIPTION.equals(kind)) {
            int at = objectId.lastIndexOf(':');
            String subscriptionId = at < 0 ? objectId : objectId.substring(0, at);
            // Only the period the finding names: Creem's API returns the current one, which may have moved on.
            return subscription(subscriptionId)
                    .flatMap(s -> periods.paidPeriod(s, kind, null, null)
                            .filter(p -> p.objectId().equals(objectId))
                            .map(p -> CreemPeriods.asEvent(s, p, List.of(), readAt)));
        }
        if (!CHECKOUT.equals(kind)) {
            return Optional.empty();
        }
        return api.read("/v1/checkouts", "checkout_id", objectId).flatMap(c -> {
            String eventId = "reconcile:" + CHECKOUT + ":" + objectId;
            String payload = "{\"id\":\"" + eventId + "\",\"eventType\":\"checkout.completed\",\"created_at\":"
                    + readAt.toEpochMilli() + ",\"object\":" + c + "}";
            Optional<ProviderPayment> pack = paidPack(c);
            if (pack.isPresent()) {
                return Optional.of(new AsEvent(eventId, "checkout.completed", payload, pack.get()));
            }
            // A plan: the checkout records the subscription, the period comes with subscription.paid.
            return paidPlanCheckout(c)
                    .flatMap(s -> periods.paidPeriod(s, kind, objectId, null)
                            .map(p -> CreemPeriods.asEvent(
                                    s, p, List.of(new AsEvent(eventId, "checkout.completed", payload, p)), readAt)));
        });
    }

    /** A subscription due for a renewal: its current period, if Creem reports it paid. */
    private Optional<ProviderPayment> renewal(String subscriptionId) {
        String user = subscriptions
                .find(provider(), subscriptionId)
                .map(s -> String.valueOf(s.userId()))
                .orElse(null);
        return subscription(subscriptionId).flatMap(s -> periods.paidPeriod(s, CreemPeriods.SUBSCRIPTION, null, user));
    }

    private Optional<JsonNode> subscription(String subscriptionId) {
        return api.read("/v1/subscriptions", "subscription_id", subscriptionId);
    }

    /** A completed, paid checkout: a pack as its purchase, a plan as its subscription's current period. */
    private Optional<ProviderPayment> paidCheckout(JsonNode c, CallBudget budget) {
        Optional<ProviderPayment> pack = paidPack(c);
        if (pack.isPresent() || !paid(c) || Json.id(c, "subscription") == null) {
            return pack;
        }
        if (!budget.takeBeyondShare()) {
            throw new Unavailable(budget.exhausted(1, "paid plan checkout(s)"), null);
        }
        return paidPlanCheckout(c)
                .flatMap(s -> periods.paidPeriod(s, CHECKOUT, Json.text(c, "id"), Json.text(c, "metadata", "userId")));
    }

    /** The subscription a completed, paid plan checkout started, as Creem reports it now. */
    private Optional<JsonNode> paidPlanCheckout(JsonNode c) {
        String subscriptionId = Json.id(c, "subscription");
        if (!paid(c)
                || subscriptionId == null
                || CreemEvents.product(catalog, c).filter(Product::isPlan).isEmpty()) {
            return Optional.empty();
        }
        return subscription(subscriptionId);
    }

    private static boolean paid(JsonNode c) {
        return "completed".equals(Json.text(c, "status")) && "paid".equals(Json.text(c, "order", "status"));
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
        if (!paid(c) || orderId == null) {
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
