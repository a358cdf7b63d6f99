package dev.renderbank.identity.web;

import dev.renderbank.identity.Accounts;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-in form; the POST is Spring Security's, throttled by {@code identity.internal.LoginFlow}. */
@Controller
class LoginPage {

    private final Accounts accounts;

    LoginPage(Accounts accounts) {
        this.accounts = accounts;
    }

    @GetMapping("/login")
    String login(@RequestParam(required = false) Long locked, Model model) {
        if (locked != null && locked > 0) {
            model.addAttribute("lockedFor", Waits.describe(locked));
        }
        model.addAttribute("signupOpen", accounts.signupOpen());
        return "login";
    }
}
