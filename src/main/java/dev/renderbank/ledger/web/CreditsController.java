package dev.renderbank.ledger.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HistoryPage;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.CursorPaging;
import dev.renderbank.platform.InvalidFieldException;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/credits")
class CreditsController {

    static final int MAX_LIMIT = 200;

    private static final String LIMIT_RANGE = "must be a whole number between 1 and " + MAX_LIMIT;
    private static final String CURSOR = "must be the nextCursor of an earlier page (or left out for the newest)";

    private final Ledger ledger;

    CreditsController(Ledger ledger) {
        this.ledger = ledger;
    }

    record CreditsView(long balance, long held, long available, long debt) {}

    @GetMapping
    CreditsView credits(@AuthenticationPrincipal CurrentUser user) {
        Balance b = ledger.balance(user.id());
        return new CreditsView(b.balance(), b.held(), b.available(), b.debt());
    }

    /** Bad paging is the caller's mistake: a 400 naming the field and what it takes, never a guess. */
    @GetMapping("/history")
    HistoryPage history(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(required = false) String cursor,
            @Parameter(
                            description = "entries per page, 1 to " + MAX_LIMIT + " (default 50)",
                            schema =
                                    @Schema(
                                            type = "integer",
                                            minimum = "1",
                                            maximum = "" + MAX_LIMIT,
                                            defaultValue = "50"))
                    @RequestParam(required = false)
                    String limit,
            HttpServletRequest request) {
        CursorPaging.refuseForeign(request, MAX_LIMIT);
        return ledger.ownHistory(user.id(), cursor(cursor), limit(limit));
    }

    private static int limit(String limit) {
        if (limit == null || limit.isBlank()) {
            return 50;
        }
        int n;
        try {
            n = Integer.parseInt(limit.strip());
        } catch (NumberFormatException e) {
            throw new InvalidFieldException("limit", LIMIT_RANGE);
        }
        if (n < 1 || n > MAX_LIMIT) {
            throw new InvalidFieldException("limit", LIMIT_RANGE);
        }
        return n;
    }

    /** A cursor this API hands out is the id of the last entry shown: a positive whole number. */
    private static String cursor(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            if (Long.parseLong(cursor) > 0) {
                return cursor;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal
        }
        throw new InvalidFieldException("cursor", CURSOR);
    }
}
