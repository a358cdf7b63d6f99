package dev.renderbank.account;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.DeletionOutcome;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.logout.SecurityContextLogoutHandler;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /account/delete}: asks for the password, then deletes the account (identity anonymises it
 * and tells the other modules) and signs this browser out at once.
 */
@Controller
class AccountDeletionPages {

    private final AccountDeletion deletion;

    AccountDeletionPages(AccountDeletion deletion) {
        this.deletion = deletion;
    }

    @GetMapping("/account/delete")
    String form() {
        return "account/delete";
    }

    @PostMapping("/account/delete")
    String delete(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(required = false) String password,
            Model model,
            HttpServletRequest request,
            HttpServletResponse response) {
        DeletionOutcome outcome = deletion.delete(user.id(), password);
        if (outcome instanceof DeletionOutcome.TooManyAttempts many) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            model.addAttribute("error", many.message() + " Nothing was deleted.");
            return "account/delete";
        }
        if (outcome instanceof DeletionOutcome.WrongPassword) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("error", "That is not your password; nothing was deleted.");
            return "account/delete";
        }
        new SecurityContextLogoutHandler()
                .logout(request, response, SecurityContextHolder.getContext().getAuthentication());
        return "redirect:/login?deleted";
    }
}
