package dev.renderbank.account;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ledger.Ledger;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

@Controller
class AccountPages {

    private final Ledger ledger;

    AccountPages(Ledger ledger) {
        this.ledger = ledger;
    }

    @GetMapping("/")
    String home(@AuthenticationPrincipal CurrentUser user, Model model) {
        model.addAttribute("email", user.email());
        model.addAttribute("credits", ledger.balance(user.id()));
        return "home";
    }
}
