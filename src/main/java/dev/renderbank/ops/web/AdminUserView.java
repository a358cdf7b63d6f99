package dev.renderbank.ops.web;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.renderbank.billing.PurchaseSummary;
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

        @Schema(description = "The newest ledger entries") List<LedgerEntry> history,
        // what a user asked for is theirs (their status API and export): operators help with jobs without it
        @Schema(description = "The newest jobs (without their prompts and options)")
        @JsonIgnoreProperties({"prompt", "options"})
        List<JobView> jobs,

        List<PurchaseSummary> purchases,
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
                d.jobs(),
                d.purchases(),
                d.tokens(),
                d.actions().stream().map(a -> ActionRecord.of(a, false)).toList());
    }
}
