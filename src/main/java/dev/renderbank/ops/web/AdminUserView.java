package dev.renderbank.ops.web;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.renderbank.billing.PurchaseSummary;
import dev.renderbank.billing.UserCheckout;
import dev.renderbank.billing.UserPaymentEvent;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.TokenInfo;
import dev.renderbank.ledger.Hold;
import dev.renderbank.ledger.LedgerEntry;
import dev.renderbank.ops.UserDossier;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/v1/admin/users}: everything an operator needs to help one user. */
@Schema(description = "One user as operators see them")
record AdminUserView(
        long id,
        String email,
        @Schema(description = "USER or ADMIN") String role,

        @Schema(description = "false while suspended, and for an account its owner deleted")
        boolean active,

        @Schema(
                description =
                        "true for an account its owner deleted (closed for good: it cannot be suspended or reinstated)")
        boolean deleted,

        @Schema(
                description = "Whether the user confirmed their email address (the sign-up bonus and the daily"
                        + " rewards wait for it)")
        boolean emailVerified,

        @Schema(description = "When the account was created (signed up)")
        Instant createdAt,

        long balance,

        @Schema(description = "Credits held by running jobs")
        long held,

        @Schema(description = "balance - held") long available,

        @Schema(description = "Credits owed (after a refund or dispute of spent credits)")
        long debt,

        @Schema(description = "The user's open holds (the same list as holds)")
        List<Hold> openHolds,

        @Schema(description = "The user's open holds: the contract's name for openHolds")
        List<Hold> holds,

        @Schema(description = "One page of ledger entries, newest first (historyCursor picks the page)")
        List<LedgerEntry> history,

        @Schema(description = "Give it as historyCursor for the next (older) entries; null on the last page")
        String historyNextCursor,

        // what a user asked for is theirs (their status API and export): operators help with jobs without it
        @Schema(
                description = "One page of jobs, newest first, without their prompts and options (jobsCursor picks"
                        + " the page)")
        @JsonIgnoreProperties({"prompt", "options"})
        List<JobView> jobs,

        @Schema(description = "Give it as jobsCursor for the next (older) jobs; null on the last page")
        String jobsNextCursor,

        List<PurchaseSummary> purchases,

        @Schema(
                description = "Checkouts the user opened, newest first (at most 50): PENDING, OPEN (not paid, or its"
                        + " payment not recorded) or COMPLETED")
        List<UserCheckout> checkouts,

        @Schema(
                description = "Stored payment webhooks naming the user, newest first (at most 20; /admin/payments?user="
                        + " has all): kind, status, error, and the amount the payload names")
        List<UserPaymentEvent> paymentEvents,

        List<TokenInfo> tokens,

        @Schema(description = "Operator actions on this user, newest first")
        List<ActionRecord> actions) {

    static AdminUserView of(UserDossier d) {
        return new AdminUserView(
                d.user().id(),
                d.user().email(),
                d.user().role().name(),
                d.active(),
                d.deleted(),
                d.user().emailVerified(),
                d.user().createdAt(),
                d.credits().balance(),
                d.credits().held(),
                d.available(),
                d.credits().debt(),
                d.openHolds(),
                d.openHolds(),
                d.history(),
                d.historyNextCursor(),
                d.jobs(),
                d.jobsNextCursor(),
                d.purchases(),
                d.checkouts(),
                d.paymentEvents(),
                d.tokens(),
                d.actions().stream().map(a -> ActionRecord.of(a, false)).toList());
    }
}
