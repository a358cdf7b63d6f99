package dev.renderbank.ledger.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HistoryPage;
import dev.renderbank.ledger.Ledger;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/credits")
class CreditsController {

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

    @GetMapping("/history")
    HistoryPage history(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "50") int limit) {
        return ledger.history(user.id(), cursor, limit);
    }
}
