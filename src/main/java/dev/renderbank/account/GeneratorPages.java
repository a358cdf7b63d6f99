package dev.renderbank.account;

import dev.renderbank.generation.Generations;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.ledger.Ledger;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The generator (at {@code /} and {@code /generate}): the form is built in the browser from {@code
 * GET /api/v1/catalog} by static/js/generate.js, so no model, option or price is written here; the
 * page brings only what the first paint needs (available credits, the latest creations).
 */
@Controller
class GeneratorPages {

    static final int RECENT = 5;

    private final Ledger ledger;
    private final Generations generations;

    GeneratorPages(Ledger ledger, Generations generations) {
        this.ledger = ledger;
        this.generations = generations;
    }

    @GetMapping({"/", "/generate"})
    String generate(@AuthenticationPrincipal CurrentUser user, Model model) {
        model.addAttribute("credits", ledger.balance(user.id()));
        List<JobView> recent = generations.list(user.id(), null, null, RECENT).items();
        model.addAttribute("recent", recent.stream().map(CreationCard::of).toList());
        return "generate";
    }
}
