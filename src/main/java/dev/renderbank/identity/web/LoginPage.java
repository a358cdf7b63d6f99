package dev.renderbank.identity.web;

import dev.renderbank.identity.Accounts;
import dev.renderbank.identity.DemoProperties;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-in form; the POST is Spring Security's, throttled by {@code identity.internal.LoginFlow}. */
@Controller
class LoginPage {

    private final Accounts accounts;
    private final DemoProperties demo;

    LoginPage(Accounts accounts, DemoProperties demo) {
        this.accounts = accounts;
        this.demo = demo;
    }

    @GetMapping("/login")
    String login(@RequestParam(required = false) Long locked, Model model) {
        if (locked != null && locked > 0) {
            model.addAttribute("lockedFor", Waits.describe(locked));
        }
        model.addAttribute("signupOpen", accounts.signupOpen());
        // the hint where the demo login is printed: only where demo users exist (never under prod)
        model.addAttribute("demoLogin", demo.enabled());
        return "login";
    }
}
