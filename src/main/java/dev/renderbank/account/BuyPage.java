package dev.renderbank.account;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.CheckoutResult;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.Subscription;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.UserTimes;
import dev.renderbank.identity.Users;
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
 * per product that starts a checkout and sends the browser to the payment page. One plan at a time:
 * while the user has a plan that has not ended, or a plan checkout not paid, the plans are shown
 * without a button, with the way to change (cancel, buy anew when it ends) or the open checkout's
 * link. Each rendering carries its own idempotency key, so a double click (or a resent form) opens
 * the same checkout instead of a second one; a new visit gets a new key.
 */
@Controller
class BuyPage {

    private final Billing billing;
    private final ProductCatalog catalog;
    private final Users users;
    private final Clock clock;

    BuyPage(Billing billing, ProductCatalog catalog, Users users, Clock clock) {
        this.billing = billing;
        this.catalog = catalog;
        this.users = users;
        this.clock = clock;
    }

    @GetMapping("/buy")
    String buy(@AuthenticationPrincipal CurrentUser user, Model model) {
        UserTimes times = users.times(user.id());
        model.addAttribute("times", times);
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
                "plans", PlanLine.current(billing.subscriptions(user.id()), catalog::product, clock.instant(), times));
        // one plan at a time: while one runs or a plan checkout is open, no plan is offered
        model.addAttribute(
                "planNotice",
                billing.planRefusal(user.id()).map(r -> notice(r, times)).orElse(null));
        model.addAttribute("checkoutKey", UUID.randomUUID().toString());
        return "buy";
    }

    /** Why no plan is offered, and where to go instead. */
    record PlanNotice(String text, String linkText, String href) {}

    private PlanNotice notice(CheckoutResult.PlanRefusal refusal, UserTimes times) {
        if (refusal instanceof CheckoutResult.PlanCheckoutOpen o && o.url() != null) {
            return new PlanNotice(
                    "Your checkout for " + planName(o.product()) + " is not paid yet. One plan at a time: pay that"
                            + " one, or, if you leave it unpaid, choose another plan from "
                            + times.dayAndMinuteInZone(o.openUntil()) + ".",
                    "Continue to payment",
                    o.url());
        }
        if (refusal instanceof CheckoutResult.PlanCheckoutOpen) {
            return new PlanNotice(say(refusal, times), "Reload this page", "/buy"); // its link comes in a moment
        }
        return new PlanNotice(say(refusal, times), "Manage your plan on the credits page", "/account");
    }

    /**
     * The refusal in words, for the page's notice and for the message after a refused buy form; its
     * dates and times in the user's zone.
     */
    private String say(CheckoutResult.PlanRefusal refusal, UserTimes times) {
        if (refusal instanceof CheckoutResult.PlanAlreadyActive a) {
            Subscription s = a.plan();
            String name = planName(s.product());
            if (s.endsAt() == null && s.paymentPending()) {
                return "The first payment of your " + name + " plan is being processed (a bank payment can take"
                        + " a few business days); its credits arrive when it clears. One plan at a time: no other"
                        + " plan can be bought meanwhile; if the payment fails, you are told by email and can"
                        + " choose a plan again. Credit packs can be bought any time.";
            }
            if (s.endsAt() != null) {
                return "You already have " + name + ", cancelled: it ends on " + times.day(s.endsAt())
                        + ". One plan at a time: a new plan can be bought when it ends. Credit packs can be bought"
                        + " any time.";
            }
            return "You already have " + name
                    + (s.periodEnd() != null ? " (paid until " + times.day(s.periodEnd()) + ")" : "")
                    + ". One plan at a time: to change plans, cancel it on the credits page; a new plan can be"
                    + " bought when it ends. Credit packs can be bought any time.";
        }
        CheckoutResult.PlanCheckoutOpen o = (CheckoutResult.PlanCheckoutOpen) refusal;
        return "Your checkout for " + planName(o.product()) + " is "
                + (o.url() != null ? "not paid yet" : "being opened right now")
                + ". One plan at a time: pay that one, or, if you leave it unpaid, choose another plan from "
                + times.dayAndMinuteInZone(o.openUntil()) + ". Credit packs can be bought any time.";
    }

    private String planName(String product) {
        return catalog.product(product).map(Offer::planName).orElse(product);
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
        flash.addFlashAttribute("problem", problem(result, user));
        return "redirect:/buy";
    }

    private String problem(CheckoutResult result, CurrentUser user) {
        if (result instanceof CheckoutResult.PlanRefusal refusal) {
            return say(refusal, users.times(user.id()));
        }
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
            String message = p.message() == null ? "" : p.message().strip();
            String said = message.isEmpty()
                    ? "Sales are paused."
                    : "Sales are paused: " + message + (message.matches(".*[.!?]$") ? "" : ".");
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
