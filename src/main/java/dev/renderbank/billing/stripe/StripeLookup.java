package dev.renderbank.billing.stripe;

import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import com.stripe.model.checkout.Session;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.checkout.SessionListParams;
import dev.renderbank.billing.ProviderDispute;
import dev.renderbank.billing.ProviderObject;
import dev.renderbank.billing.ProviderPayment;
import dev.renderbank.billing.ProviderRefund;
import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.PaymentLookup;
import dev.renderbank.billing.db.CheckoutStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stripe read back: completed Checkout Sessions of the window (paid one-time packs) and paid invoices
 * of the window (subscription periods: first, renewals, plan changes), and one such object fetched
 * again and wrapped as the event its webhook carries ({@code checkout.session.completed},
 * {@code invoice.paid}). The purchase key is the webhook's ({@code stripe:checkout:<session id>},
 * {@code stripe:period:<subscription>:<period start>}), so a repair and a late webhook record one
 * purchase. Invoices are read as raw JSON, as their webhook's handler reads them. Refunded charges
 * and disputes are read and fetched by {@link StripeRefunds}. Only sessions renderbank opened
 * (their id recorded on the checkout) are listed or fetched: the account may be shared with other
 * applications, whose sessions are not payments missing here.
 */
@Component
class StripeLookup implements PaymentLookup {

    static final String SESSION = "checkout.session";
    static final String INVOICE = "invoice";

    private static final JsonMapper JSON = JsonMapper.shared();

    private final StripeClients clients;
    private final StripeRefunds refunds;
    private final CheckoutStore checkouts;
    private final StripeSubscribers subscribers;

    StripeLookup(StripeClients clients, StripeRefunds refunds, CheckoutStore checkouts, StripeSubscribers subscribers) {
        this.clients = clients;
        this.refunds = refunds;
        this.checkouts = checkouts;
        this.subscribers = subscribers;
    }

    @Override
    public List<ProviderRefund> refundsSince(Instant from) {
        return refunds.since(from);
    }

    @Override
    public List<ProviderDispute> disputesSince(Instant from) {
        return refunds.disputesSince(from);
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
            for (int page = 0; page < StripePages.PAGES; page++) {
                var params = SessionListParams.builder()
                        .setCreated(SessionListParams.Created.builder()
                                .setGte(from.getEpochSecond())
                                .build())
                        .setStatus(SessionListParams.Status.COMPLETE)
                        .setLimit(StripePages.PAGE);
                if (after != null) {
                    params.setStartingAfter(after);
                }
                var sessions = clients.client().v1().checkout().sessions().list(params.build());
                List<Session> paidPacks = new ArrayList<>();
                for (Session s : sessions.getData()) {
                    after = s.getId();
                    if (isPaidPack(s)) {
                        paidPacks.add(s);
                    }
                }
                // sessions of other applications on the same account are none of renderbank's
                Set<String> ours = checkouts.opened(
                        "stripe", paidPacks.stream().map(Session::getId).toList());
                for (Session s : paidPacks) {
                    if (ours.contains(s.getId())) {
                        paid.add(payment(s, s.toJson()));
                    }
                }
                if (!Boolean.TRUE.equals(sessions.getHasMore())
                        || sessions.getData().isEmpty()) {
                    break;
                }
                if (page == StripePages.PAGES - 1) {
                    throw StripePages.tooLong("complete checkout sessions");
                }
            }
        } catch (StripeException e) {
            throw new Unavailable("Stripe checkout sessions could not be listed: " + e.getMessage(), e);
        }
        paid.addAll(paidInvoicesSince(from));
        return paid;
    }

    /** Paid invoices created in the window that record a subscription period at their webhook. */
    private List<ProviderPayment> paidInvoicesSince(Instant from) {
        List<ProviderPayment> paid = new ArrayList<>();
        try {
            for (JsonNode inv : StripePages.all("paid invoices", after -> {
                var params = InvoiceListParams.builder()
                        .setCreated(InvoiceListParams.Created.builder()
                                .setGte(from.getEpochSecond())
                                .build())
                        .setStatus(InvoiceListParams.Status.PAID)
                        .setLimit(StripePages.PAGE);
                if (after != null) {
                    params.setStartingAfter(after);
                }
                return clients.client().v1().invoices().list(params.build());
            })) {
                invoicePayment(inv).ifPresent(paid::add);
            }
        } catch (StripeException e) {
            throw new Unavailable("Stripe invoices could not be listed: " + e.getMessage(), e);
        }
        return paid;
    }

    private Optional<AsEvent> fetchInvoice(String objectId) {
        Invoice i;
        try {
            i = clients.client().v1().invoices().retrieve(objectId);
        } catch (StripeException e) {
            if (StripeRefunds.noSuchObject(e)) {
                return Optional.empty(); // no such invoice at Stripe
            }
            throw new Unavailable("Stripe invoice " + objectId + " could not be read: " + e.getMessage(), e);
        }
        Optional<ProviderPayment> p = invoicePayment(
                raw(i.getLastResponse() == null ? null : i.getLastResponse().body(), i.toJson()));
        return p.map(
                payment -> event("reconcile:" + INVOICE + ":" + objectId, "invoice.paid", payment, i.getCreated()));
    }

    /**
     * The period a paid invoice records at its webhook, if it is renderbank's: its subscription is
     * recorded here or names a checkout renderbank opened ({@link StripeSubscribers}); other
     * applications' and other deployments' invoices on a shared account are none of its business. The
     * user is the one its webhook would grant.
     */
    private Optional<ProviderPayment> invoicePayment(JsonNode inv) {
        Optional<String> period = StripeInvoiceJson.periodKey(inv);
        if (period.isEmpty()) {
            return Optional.empty();
        }
        JsonNode meta = StripeInvoiceJson.subscriptionMetadata(inv);
        Optional<Long> user = subscribers.of(StripeInvoiceJson.subscriptionId(inv), meta);
        return user.map(userId -> {
            String key = period.get();
            return new ProviderPayment(
                    "stripe",
                    INVOICE,
                    Json.text(inv, "id"),
                    key,
                    Long.toString(userId),
                    Json.text(meta, "product"),
                    Json.number(inv, "amount_paid"),
                    Json.text(inv, "currency"),
                    Json.time(inv, "created"),
                    inv.toString());
        });
    }

    private static JsonNode raw(String body, String fallback) {
        return JSON.readTree(body != null ? body : fallback);
    }

    /** The object wrapped as the event its webhook carries, under an event id of its own ({@code reconcile:…}). */
    static AsEvent event(String eventId, String type, ProviderObject o, Long created) {
        String at = created == null ? "" : ",\"created\":" + created;
        String payload = "{\"id\":\"" + eventId + "\",\"object\":\"event\",\"type\":\"" + type + "\"" + at
                + ",\"data\":{\"object\":" + o.raw() + "}}";
        return new AsEvent(eventId, type, payload, o);
    }

    @Override
    public Optional<AsEvent> fetch(String kind, String objectId) {
        if (INVOICE.equals(kind)) {
            return fetchInvoice(objectId);
        }
        if (StripeRefunds.CHARGE.equals(kind)) {
            return refunds.charge(objectId);
        }
        if (StripeRefunds.DISPUTE.equals(kind)) {
            return refunds.dispute(objectId);
        }
        if (!SESSION.equals(kind)) {
            return Optional.empty();
        }
        Session s;
        try {
            s = clients.client().v1().checkout().sessions().retrieve(objectId);
        } catch (StripeException e) {
            if (StripeRefunds.noSuchObject(e)) {
                return Optional.empty(); // no such session at Stripe
            }
            throw new Unavailable("Stripe checkout session " + objectId + " could not be read: " + e.getMessage(), e);
        }
        if (!isPaidPack(s) || checkouts.byProviderRef("stripe", s.getId()).isEmpty()) {
            return Optional.empty(); // not paid, or a session renderbank never opened
        }
        // the object exactly as Stripe sent it, as its webhook would carry it
        String raw = s.getLastResponse() != null ? s.getLastResponse().body() : s.toJson();
        return Optional.of(event(
                "reconcile:" + SESSION + ":" + s.getId(),
                "checkout.session.completed",
                payment(s, raw),
                s.getCreated()));
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
