package dev.renderbank.account;

import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.CurrentUser;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code /account/tokens}: the list is rendered here; creating and revoking go through
 * {@code /api/v1/tokens} from {@code js/tokens.js} with the session's CSRF token. The page may
 * show a fresh secret, so it sends no referrer and is not cached.
 */
@Controller
class TokenPages {

    private final ApiTokens tokens;
    private final Clock clock;

    TokenPages(ApiTokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    @GetMapping("/account/tokens")
    String tokens(@AuthenticationPrincipal CurrentUser user, Model model, HttpServletResponse response) {
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        model.addAttribute("tokens", tokens.list(user.id()));
        model.addAttribute("now", clock.instant());
        model.addAttribute("maxNameLength", ApiTokens.MAX_NAME_LENGTH);
        return "account/tokens";
    }
}
