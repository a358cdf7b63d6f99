package dev.renderbank.account;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.CheckoutResult;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.identity.CurrentUser;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The buy page ({@code /buy}): packs and plans from the catalogue, the current plan, and a button
 * per product that starts a checkout and sends the browser to the payment page. Each rendering
 * carries its own idempotency key, so a double click (or a resent form) opens the same checkout
 * instead of a second one; a new visit gets a new key.
 */
@Controller
class BuyPage {

    private final Billing billing;
    private final ProductCatalog catalog;
    private final Clock clock;

    BuyPage(Billing billing, ProductCatalog catalog, Clock clock) {
        this.billing = billing;
        this.catalog = catalog;
        this.clock = clock;
    }

    @GetMapping("/buy")
    String buy(@AuthenticationPrincipal CurrentUser user, Model model) {
        model.addAttribute(
                "packs",
                billing.products().stream()
                        .filter(p -> !p.isPlan())
                        .map(Offer::of)
                        .toList());
        model.addAttribute(
                "monthlyPlans",
                billing.products().stream()
                        .filter(p -> p.isPlan() && p.months() < 12)
                        .map(Offer::of)
                        .toList());
        model.addAttribute(
                "yearlyPlans",
                billing.products().stream()
                        .filter(p -> p.isPlan() && p.months() >= 12)
                        .map(Offer::of)
                        .toList());
        model.addAttribute(
                "plans", PlanLine.current(billing.subscriptions(user.id()), catalog::product, clock.instant()));
        model.addAttribute("checkoutKey", UUID.randomUUID().toString());
        return "buy";
    }

    /** Starts the checkout; {@code key} is the page's key, made per product so each button has its own. */
    @PostMapping("/buy")
    String checkout(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam String product,
            @RequestParam(required = false) String key,
            RedirectAttributes flash) {
        String idempotencyKey = key == null || key.isBlank() ? null : key + ":" + product;
        CheckoutResult result = billing.checkout(user.id(), product, idempotencyKey);
        if (result instanceof CheckoutResult.Created c) {
            return "redirect:" + c.url();
        }
        flash.addFlashAttribute("problem", problem(result));
        return "redirect:/buy";
    }

    private String problem(CheckoutResult result) {
        if (result instanceof CheckoutResult.UnknownProduct u) {
            return "We do not sell \"" + u.product() + "\" (any more). Please pick one of the products below.";
        }
        if (result instanceof CheckoutResult.InProgress) {
            return "Your checkout is still being created. Please try again in a second.";
        }
        if (result instanceof CheckoutResult.KeyReused) {
            return "This page already started a checkout for another product. Please try again.";
        }
        if (result instanceof CheckoutResult.RateLimited r) {
            long seconds = Math.max(1, (r.retryAfter().toMillis() + 999) / 1000);
            return "You started " + r.maxCalls() + " checkouts within " + human(r.window()) + ". Please wait "
                    + human(Duration.ofSeconds(seconds)) + " before starting another.";
        }
        if (result instanceof CheckoutResult.SalesPaused p) {
            String said = p.message() == null || p.message().isBlank()
                    ? "Sales are paused."
                    : "Sales are paused: " + p.message().strip()
                            + (p.message().strip().matches(".*[.!?]$") ? "" : ".");
            return said + " Nothing was charged. Please try again in " + human(p.retryAfter()) + ".";
        }
        return "The payment provider could not start a checkout; nothing was charged. Please try again shortly.";
    }

    private static String human(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600 && s % 3600 == 0) {
            return s / 3600 + (s == 3600 ? " hour" : " hours");
        }
        if (s >= 60 && s % 60 == 0) {
            return s / 60 + (s == 60 ? " minute" : " minutes");
        }
        return s + (s == 1 ? " second" : " seconds");
    }
}
