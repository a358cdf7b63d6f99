package dev.renderbank.account;

import dev.renderbank.ledger.Ledger;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

@Controller
class AccountPages {

    private final Ledger ledger;

    AccountPages(Ledger ledger) {
        this.ledger = ledger;
    }

    @GetMapping("/login")
    String login() {
        return "login";
    }
}
