package dev.renderbank.billing.stripe;

import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.param.checkout.SessionListParams;
import dev.renderbank.billing.ProviderPayment;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.PaymentLookup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Stripe read back: completed Checkout Sessions of the window (paid one-time packs), and one session
 * fetched again and wrapped as the {@code checkout.session.completed} event its webhook carries. The
 * purchase key is the webhook's ({@code stripe:checkout:<session id>}), so a repair and a late
 * webhook record one purchase.
 */
@Component
class StripeLookup implements PaymentLookup {

    static final String SESSION = "checkout.session";

    /** A paid session is read this many at a time; a window holds at most {@code PAGES} pages. */
    private static final long PAGE = 100;

    private static final int PAGES = 50;

    private final StripeClients clients;

    StripeLookup(StripeClients clients) {
        this.clients = clients;
    }

    @Override
    public String provider() {
        return "stripe";
    }

    @Override
    public Optional<String> unavailable() {
        return clients.configured() ? Optional.empty() : Optional.of("STRIPE_API_KEY is not set");
    }

    @Override
    public List<ProviderPayment> paidSince(Instant from) {
        List<ProviderPayment> paid = new ArrayList<>();
        String after = null;
        try {
            for (int page = 0; page < PAGES; page++) {
                var params = SessionListParams.builder()
                        .setCreated(SessionListParams.Created.builder()
                                .setGte(from.getEpochSecond())
                                .build())
                        .setStatus(SessionListParams.Status.COMPLETE)
                        .setLimit(PAGE);
                if (after != null) {
                    params.setStartingAfter(after);
                }
                var sessions = clients.client().v1().checkout().sessions().list(params.build());
                for (Session s : sessions.getData()) {
                    after = s.getId();
                    if (isPaidPack(s)) {
                        paid.add(payment(s, s.toJson()));
                    }
                }
                if (!Boolean.TRUE.equals(sessions.getHasMore())
                        || sessions.getData().isEmpty()) {
                    break;
                }
            }
        } catch (StripeException e) {
            throw new Unavailable("Stripe checkout sessions could not be listed: " + e.getMessage(), e);
        }
        return paid;
    }

    @Override
    public Optional<AsEvent> fetch(String kind, String objectId) {
        if (!SESSION.equals(kind)) {
            return Optional.empty();
        }
        Session s;
        try {
            s = clients.client().v1().checkout().sessions().retrieve(objectId);
        } catch (InvalidRequestException e) {
            return Optional.empty(); // no such session at Stripe
        } catch (StripeException e) {
            throw new Unavailable("Stripe checkout session " + objectId + " could not be read: " + e.getMessage(), e);
        }
        if (!isPaidPack(s)) {
            return Optional.empty();
        }
        // the object exactly as Stripe sent it, as its webhook would carry it
        String raw = s.getLastResponse() != null ? s.getLastResponse().body() : s.toJson();
        ProviderPayment p = payment(s, raw);
        String created = s.getCreated() == null ? "" : ",\"created\":" + s.getCreated();
        String payload = "{\"id\":\"reconcile:" + s.getId()
                + "\",\"object\":\"event\",\"type\":\"checkout.session.completed\"" + created
                + ",\"data\":{\"object\":" + p.raw() + "}}";
        return Optional.of(
                new AsEvent("reconcile:" + SESSION + ":" + s.getId(), "checkout.session.completed", payload, p));
    }

    private static boolean isPaidPack(Session s) {
        return "payment".equals(s.getMode())
                && ("paid".equals(s.getPaymentStatus()) || "no_payment_required".equals(s.getPaymentStatus()));
    }

    private static ProviderPayment payment(Session s, String raw) {
        Map<String, String> metadata = s.getMetadata() == null ? Map.of() : s.getMetadata();
        return new ProviderPayment(
                "stripe",
                SESSION,
                s.getId(),
                "stripe:checkout:" + s.getId(),
                metadata.getOrDefault("userId", s.getClientReferenceId()),
                metadata.get("product"),
                s.getAmountTotal(),
                s.getCurrency(),
                s.getCreated() == null ? null : Instant.ofEpochSecond(s.getCreated()),
                raw);
    }
}
