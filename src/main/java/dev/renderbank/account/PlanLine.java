package dev.renderbank.account;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.Subscription;
import dev.renderbank.identity.UserTimes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A subscription the user still has (not ended, or ended with months already paid for still to come):
 * its plan's name, what it grants and costs as it was sold (not as the catalogue sells the plan today),
 * its status and the dates that matter (next renewal; or when it ends after a cancellation; or, once
 * it ended, when the paid months still to come are granted). One whose first payment has not cleared
 * is "payment pending", not the user's active plan: its credits arrive when the payment clears.
 */
record PlanLine(String id, String name, String detail, String status, String when, boolean cancellable) {

    /**
     * The subscriptions that have not ended by {@code now} ({@link Subscription#runningAt}: also not
     * ended by their status, such as a first payment that failed) or still have paid months to come,
     * newest first; their dates are the user's calendar days ({@code times}).
     */
    static List<PlanLine> current(
            List<Subscription> subs, Function<String, Optional<Product>> product, Instant now, UserTimes times) {
        return subs.stream()
                .filter(s -> s.runningAt(now) || s.creditsToCome() > 0)
                .map(s -> of(s, product.apply(s.product()), now, times))
                .toList();
    }

    static PlanLine of(Subscription s, Optional<Product> product, Instant now, UserTimes times) {
        String name = product.map(Offer::planName).orElse(s.product());
        String detail = product.map(p -> Offer.of(soldAs(p, s)))
                .map(o -> o.detail() + " · " + o.price() + " / " + o.per())
                .orElse("");
        String when;
        if (s.endsAt() == null && s.paymentPending()) {
            return new PlanLine(
                    s.id(),
                    name,
                    detail,
                    "payment pending",
                    "Your first payment is being processed (a bank payment can take a few business days);"
                            + " the plan's credits arrive when it clears.",
                    true);
        } else if (s.endsAt() != null
                && s.lastCreditsAt() != null
                && !s.lastCreditsAt().isBefore(s.endsAt())) {
            // the months already paid for run past the end: say so, not that credits stop there
            when = (s.endsAt().isAfter(now) ? "Cancelled: ends on " : "Ended on ") + times.day(s.endsAt())
                    + ". Months already paid for go on: " + s.creditsToCome() + " credits to come, "
                    + Math.min(s.monthlyCredits(), s.creditsToCome()) + " on " + times.day(s.nextCreditsAt())
                    + ", the last on " + times.day(s.lastCreditsAt());
        } else if (s.endsAt() != null) {
            when = "Cancelled: credits stop on " + times.day(s.endsAt());
        } else if (s.periodEnd() != null) {
            when = "Renews on " + times.day(s.periodEnd());
        } else {
            when = "";
        }
        return new PlanLine(s.id(), name, detail, s.status(), when, s.endsAt() == null);
    }

    /**
     * The plan as the subscription's latest period was sold: its monthly credits and price as recorded
     * with that period (a subscriber keeps renewing at the terms of their checkout after the catalogue
     * changed); the catalogue's for what is not recorded (no period yet, or one paid before prices were).
     */
    private static Product soldAs(Product p, Subscription s) {
        long credits = s.monthlyCredits() > 0 ? s.monthlyCredits() : p.credits();
        return s.priceMinor() == null
                ? p.asOffered(credits, p.priceMinor(), p.currency())
                : p.asOffered(credits, s.priceMinor(), s.currency());
    }
}
