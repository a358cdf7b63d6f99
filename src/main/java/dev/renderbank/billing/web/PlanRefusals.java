package dev.renderbank.billing.web;

import dev.renderbank.billing.CheckoutResult;
import dev.renderbank.billing.Subscription;
import dev.renderbank.platform.Problems;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The 409 of a plan checkout refused by "one plan at a time" (nothing stored): a plan that has not
 * ended ({@code plan-already-active}), a plan whose first payment is still being processed ({@code
 * plan-payment-pending}: not the user's active plan yet, but it may still be paid, and two plans would
 * then be paid), or another plan checkout open ({@code plan-checkout-open}).
 */
final class PlanRefusals {

    private static final String PACKS = " Credit packs can be bought any time.";

    private PlanRefusals() {}

    static ResponseEntity<ProblemDetail> problem(CheckoutResult.PlanRefusal refusal) {
        ProblemDetail p;
        if (refusal instanceof CheckoutResult.PlanAlreadyActive a && a.plan().paymentPending()) {
            Subscription s = a.plan();
            String detail = "The first payment of your plan " + s.product() + " (subscription " + s.id()
                    + ") is being processed: a bank debit (SEPA Direct Debit, ACH) takes a few business days,"
                    + " and its credits arrive when it clears. One plan at a time: no other plan can be bought"
                    + " meanwhile, or both could end up paid. If the payment fails, the plan ends, you are told by"
                    + " email, and a plan can be bought again.";
            p = Problems.of(
                    HttpStatus.CONFLICT,
                    "plan-payment-pending",
                    "Your plan's first payment is being processed",
                    detail + PACKS);
            plan(p, s);
        } else if (refusal instanceof CheckoutResult.PlanAlreadyActive a) {
            Subscription s = a.plan();
            String detail = s.endsAt() != null
                    ? "You already have the plan " + s.product() + " (subscription " + s.id()
                            + "), cancelled: it ends on " + day(s.endsAt())
                            + ". One plan at a time: a new plan can be bought when it ends."
                    : "You already have the plan " + s.product() + " (subscription " + s.id() + ", " + s.status()
                            + (s.periodEnd() != null ? ", paid until " + day(s.periodEnd()) : "")
                            + "). One plan at a time: to change plans, cancel it (POST /api/v1/subscriptions/"
                            + s.id() + "/cancel, or on the /account page); it keeps its paid period, and a new plan"
                            + " can be bought when it ends.";
            p = Problems.of(HttpStatus.CONFLICT, "plan-already-active", "You already have a plan", detail + PACKS);
            plan(p, s);
        } else if (refusal instanceof CheckoutResult.PlanCheckoutOpen o) {
            String detail = "A checkout for the plan " + o.product() + " (" + o.checkoutId() + ") "
                    + (o.url() != null
                            ? "was opened at " + o.openedAt() + " and is not paid yet: pay it at its checkoutUrl."
                            : "is being opened right now; its answer brings its link.")
                    + " One plan at a time: a checkout for another plan can be opened if that one is left unpaid,"
                    + " from " + o.openUntil() + ".";
            p = Problems.of(HttpStatus.CONFLICT, "plan-checkout-open", "A plan checkout is open", detail + PACKS);
            p.setProperty("checkoutId", o.checkoutId());
            p.setProperty("checkoutUrl", o.url());
            p.setProperty("product", o.product());
            p.setProperty("openedAt", o.openedAt());
            p.setProperty("openUntil", o.openUntil());
        } else {
            throw new IllegalStateException("unexpected plan refusal " + refusal);
        }
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    /**
     * The 409 of a cancel of a plan whose first payment is being processed: cancelled now, it would
     * stop refusing a second plan while its debit may still clear, and both could be paid.
     */
    static ResponseEntity<ProblemDetail> cancelWhilePending(Subscription s) {
        ProblemDetail p = Problems.of(
                HttpStatus.CONFLICT,
                "plan-payment-pending",
                "Your plan's first payment is being processed",
                "The first payment of your plan " + s.product() + " (subscription " + s.id() + ") is being"
                        + " processed (a bank debit takes a few business days), so the plan cannot be cancelled"
                        + " yet; nothing changed. Cancel it once the payment has cleared (it keeps that paid"
                        + " month); if the payment fails, the plan ends by itself and you are told by email.");
        plan(p, s);
        return ResponseEntity.status(HttpStatus.CONFLICT)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    private static void plan(ProblemDetail p, Subscription s) {
        p.setProperty("currentPlan", s.product());
        p.setProperty("subscriptionId", s.id());
        p.setProperty("planStatus", s.status());
        p.setProperty("periodEnd", s.periodEnd());
        p.setProperty("endsAt", s.endsAt());
    }

    private static String day(Instant at) {
        return at.atZone(ZoneOffset.UTC).toLocalDate().toString();
    }
}
