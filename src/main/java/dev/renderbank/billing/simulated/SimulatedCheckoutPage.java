package dev.renderbank.billing.simulated;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.db.CheckoutStore;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ledger.Ledger;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;

/**
 * The local stand-in for a provider's hosted checkout. "Pay" hands the events Creem would send to
 * the webhook intake, so the purchase is stored, deduplicated and granted the way a real one is.
 * Registered only while payments are simulated ({@link SimulatedPayments}): with real payments
 * these paths do not exist, and a {@code simulated} checkout left in the database cannot be paid.
 */
@Controller
@Conditional(SimulatedPayments.class)
class SimulatedCheckoutPage {

    private final CheckoutStore checkouts;
    private final ProductCatalog catalog;
    private final SimulatedWebhooks webhooks;
    private final Ledger ledger;
    private final Clock clock;

    SimulatedCheckoutPage(
            CheckoutStore checkouts, ProductCatalog catalog, SimulatedWebhooks webhooks, Ledger ledger, Clock clock) {
        this.checkouts = checkouts;
        this.catalog = catalog;
        this.webhooks = webhooks;
        this.ledger = ledger;
        this.clock = clock;
    }

    @GetMapping("/checkout/simulated/{id}")
    String page(
            @AuthenticationPrincipal CurrentUser user,
            @PathVariable String id,
            Model model,
            HttpServletResponse response) {
        CheckoutStore.Checkout checkout = ownCheckout(user, id);
        Optional<Product> sold = catalog.product(checkout.product());
        if (sold.isEmpty()) {
            return gone(checkout, model, response);
        }
        Product product = checkout.offered(sold.get()); // as offered when opened, like a provider's page
        model.addAttribute("checkoutId", checkout.id());
        model.addAttribute("completed", "COMPLETED".equals(checkout.status()));
        model.addAttribute("product", product);
        model.addAttribute("price", price(product));
        model.addAttribute("email", user.email());
        return "billing/simulated-checkout";
    }

    @PostMapping("/checkout/simulated/{id}/pay")
    String pay(
            @AuthenticationPrincipal CurrentUser user,
            @PathVariable String id,
            Model model,
            HttpServletResponse response) {
        CheckoutStore.Checkout checkout = ownCheckout(user, id);
        Optional<Product> sold = catalog.product(checkout.product());
        if (sold.isEmpty()) {
            return gone(checkout, model, response); // nothing is sent, stored or granted
        }
        Product product = checkout.offered(sold.get());
        Instant now = clock.instant();
        Instant periodEnd = product.isPlan()
                ? now.atZone(ZoneOffset.UTC).plusMonths(product.months()).toInstant()
                : null;
        SimulatedWebhooks.Delivery delivery = webhooks.pay(checkout, product, user.email(), now, periodEnd);
        model.addAttribute("product", product);
        model.addAttribute("price", price(product));
        model.addAttribute("email", user.email());
        model.addAttribute("ok", delivery.ok());
        model.addAttribute("error", delivery.failure().orElse(null));
        model.addAttribute("sent", sentLines(delivery));
        model.addAttribute("credits", ledger.balance(user.id()));
        return "billing/simulated-paid";
    }

    private CheckoutStore.Checkout ownCheckout(CurrentUser user, String id) {
        Optional<CheckoutStore.Checkout> checkout =
                checkouts.find(id).filter(c -> c.userId() == user.id() && "simulated".equals(c.provider()));
        // Someone else's checkout is "not found", like any other object of another user.
        return checkout.orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    /**
     * The checkout's product was in the catalogue when the checkout started but is not now (the
     * catalogue's configuration changed since): 410 on the error page, saying so; nothing is paid.
     */
    private static String gone(CheckoutStore.Checkout checkout, Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.GONE.value());
        model.addAttribute("status", HttpStatus.GONE.value());
        model.addAttribute("error", HttpStatus.GONE.getReasonPhrase());
        model.addAttribute("address", true);
        model.addAttribute(
                "refusal",
                "This checkout's product (" + checkout.product()
                        + ") is no longer sold, so it cannot be paid. Choose a product on the buy page.");
        return "error";
    }

    private static java.util.List<String> sentLines(SimulatedWebhooks.Delivery d) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < d.events().size(); i++) {
            lines.add(d.events().get(i) + " → "
                    + (i < d.outcomes().size() ? d.outcomes().get(i) : "not sent"));
        }
        return lines;
    }

    static String price(Product p) {
        return "%s %d.%02d".formatted(p.currency(), p.priceMinor() / 100, p.priceMinor() % 100)
                + (p.isPlan() ? (p.months() == 12 ? " / year" : " / month") : "");
    }
}
