package dev.renderbank.account;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.CancelResult;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.PurchasePage;
import dev.renderbank.billing.PurchaseRecord;
import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.TimeZones;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserTimes;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.HistoryPage;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.Notifier;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The credits page ({@code /account}): balance, the ledger history in words, purchases and the
 * current plan, each list a page at a time by the cursor its API returns, and the user's time zone
 * ({@link TimeZoneForm} saves it). Cancelling a plan takes a confirmation page, so one stray click
 * cannot end it.
 */
@Controller
class CreditsPage {

    static final int HISTORY_PAGE = 20;
    static final int PURCHASE_PAGE = 10;

    private final Ledger ledger;
    private final Billing billing;
    private final ProductCatalog catalog;
    private final Generations generations;
    private final Users users;
    private final Notifier notifier;
    private final Clock clock;

    CreditsPage(
            Ledger ledger,
            Billing billing,
            ProductCatalog catalog,
            Generations generations,
            Users users,
            Notifier notifier,
            Clock clock) {
        this.ledger = ledger;
        this.billing = billing;
        this.catalog = catalog;
        this.generations = generations;
        this.users = users;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** {@code balancePaid}: how the buyer's balance at the payment provider paid some of it, in words, or "". */
    record PurchaseLine(
            Instant at,
            String product,
            long credits,
            String amount,
            String refunded,
            String state,
            String balancePaid) {}

    @GetMapping("/account")
    String credits(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(required = false) String history,
            @RequestParam(required = false) String purchases,
            Model model) {
        String zone = users.byId(user.id()).map(UserAccount::timeZone).orElse(TimeZones.DEFAULT);
        UserTimes times = UserTimes.in(zone);
        model.addAttribute("times", times);
        HistoryPage entries = ledger.ownHistory(user.id(), history, HISTORY_PAGE);
        Map<String, Optional<String>> models = new HashMap<>();
        List<HistoryLine> lines = entries.items().stream()
                .map(e -> HistoryLines.describe(e, id -> models.computeIfAbsent(id, k -> modelOf(user, k))))
                .toList();
        PurchasePage bought = billing.purchases(user.id(), purchases, PURCHASE_PAGE);
        model.addAttribute("credits", ledger.balance(user.id()));
        model.addAttribute("history", lines);
        model.addAttribute("historyNewest", history == null ? null : link(null, purchases));
        model.addAttribute("historyOlder", entries.nextCursor() == null ? null : link(entries.nextCursor(), purchases));
        model.addAttribute("purchases", bought.items().stream().map(this::line).toList());
        model.addAttribute("purchasesNewest", purchases == null ? null : link(history, null));
        model.addAttribute("purchasesOlder", bought.nextCursor() == null ? null : link(history, bought.nextCursor()));
        model.addAttribute(
                "plans", PlanLine.current(billing.subscriptions(user.id()), catalog::product, clock.instant(), times));
        model.addAttribute("timeZone", zone);
        model.addAttribute("timeZones", TimeZones.all());
        model.addAttribute("generationEmails", notifier.settings(user.id()).generationEmails());
        return "credits";
    }

    @GetMapping("/account/plans/{id}/cancel")
    String confirmCancel(@AuthenticationPrincipal CurrentUser user, @PathVariable String id, Model model) {
        PlanLine plan = PlanLine.current(
                        billing.subscriptions(user.id()), catalog::product, clock.instant(), users.times(user.id()))
                .stream()
                .filter(p -> p.id().equals(id) && p.cancellable())
                .findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no such plan"));
        model.addAttribute("plan", plan);
        return "plan-cancel";
    }

    @PostMapping("/account/plans/{id}/cancel")
    String cancel(@AuthenticationPrincipal CurrentUser user, @PathVariable String id, RedirectAttributes flash) {
        CancelResult result = billing.cancelSubscription(user.id(), id);
        if (result instanceof CancelResult.Cancelled c) {
            flash.addFlashAttribute(
                    "notice",
                    "Your plan is cancelled. "
                            + PlanLine.of(c.subscription(), Optional.empty(), clock.instant(), users.times(user.id()))
                                    .when()
                            + ".");
        } else if (result instanceof CancelResult.AlreadyEnded) {
            flash.addFlashAttribute("notice", "This plan has already ended.");
        } else if (result instanceof CancelResult.NotFound) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such plan");
        } else if (result instanceof CancelResult.PaymentPending) {
            flash.addFlashAttribute(
                    "problem",
                    "Your plan's first payment is still being processed, so it cannot be cancelled yet; nothing"
                            + " changed. Cancel it once the payment has cleared (you keep that paid month); if the"
                            + " payment fails, the plan ends by itself and you are told by email.");
        } else {
            flash.addFlashAttribute(
                    "problem",
                    "The payment provider could not cancel the plan just now; nothing changed. Please try again shortly.");
        }
        return "redirect:/account";
    }

    /** This page with the two lists' cursors (each list pages on its own). */
    private static String link(String history, String purchases) {
        return UriComponentsBuilder.fromPath("/account")
                .queryParamIfPresent("history", Optional.ofNullable(history))
                .queryParamIfPresent("purchases", Optional.ofNullable(purchases))
                .build()
                .encode()
                .toUriString();
    }

    private Optional<String> modelOf(CurrentUser user, String taskId) {
        return generations.find(user.id(), taskId).map(JobView::model);
    }

    /** A purchase in words; a product no longer sold keeps its id as its name. */
    private PurchaseLine line(PurchaseRecord p) {
        return new PurchaseLine(
                p.createdAt(),
                catalog.product(p.product()).map(Offer::of).map(Offer::name).orElse(p.product()),
                p.credits(),
                Money.format(p.amountMinor(), p.currency()),
                p.refundedMinor() > 0 ? Money.format(p.refundedMinor(), p.currency()) : "",
                p.state(),
                // the Paid column shows the charge; say what paid the rest, never "$0.00" unexplained
                p.fromBalanceMinor() > 0
                        ? Money.format(p.amountMinor(), p.currency()) + " charged \u2014 "
                                + Money.format(p.fromBalanceMinor(), p.currency())
                                + " paid from your account balance with us (credit left from your previous plan)"
                        : "");
    }
}
