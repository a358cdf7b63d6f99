package dev.renderbank.identity.web;

import dev.renderbank.identity.Accounts;
import dev.renderbank.identity.Accounts.SignUpResult;
import dev.renderbank.identity.Accounts.VerifyResult;
import dev.renderbank.identity.internal.LoginFlow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/** Sign-up, "send the link again" and the verification link's landing page. */
@Controller
class SignupPages {

    static final String TOO_MANY = "Too many requests from this network or for this address; try again in an hour.";

    private final Accounts accounts;
    private final LoginFlow login;

    SignupPages(Accounts accounts, LoginFlow login) {
        this.accounts = accounts;
        this.login = login;
    }

    @GetMapping("/signup")
    String form(@RequestParam(required = false) String ref, Model model) {
        model.addAttribute("open", accounts.signupOpen());
        model.addAttribute("ref", ref);
        return "signup";
    }

    @PostMapping("/signup")
    String signUp(
            @RequestParam(defaultValue = "") String email,
            @RequestParam(defaultValue = "") String password,
            @RequestParam(required = false) String ref,
            @RequestParam(required = false) String timeZone,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        // the browser's zone, filled in by js/signup.js: kept if known, else UTC (never refused)
        SignUpResult result = accounts.signUp(email, password, ref, login.client(request), timeZone);
        model.addAttribute("open", true);
        model.addAttribute("ref", ref);
        model.addAttribute("email", email);
        if (result instanceof SignUpResult.Closed) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "sign-up is closed");
        }
        if (result instanceof SignUpResult.Invalid i) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("field", i.field());
            model.addAttribute("problem", i.message());
            return "signup";
        }
        if (result instanceof SignUpResult.Limited) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            model.addAttribute("problem", TOO_MANY);
            return "signup";
        }
        return "signup-sent";
    }

    @PostMapping("/signup/resend")
    String resend(
            @RequestParam(defaultValue = "") String email,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        model.addAttribute("email", email);
        if (!accounts.resendVerification(email, login.client(request))) {
            response.setStatus(429);
            model.addAttribute("problem", TOO_MANY);
        } else {
            model.addAttribute("resent", true);
        }
        return "signup-sent";
    }

    /**
     * A link that only verifies does so when opened. One that would set a repeated sign-up's password
     * (and sign everyone out) asks for that password first, and the form's POST does it: mail scanners
     * open links, and whoever signed up last chose that password, who may not be the mailbox's owner.
     */
    @GetMapping("/verify-email")
    String verify(@RequestParam(defaultValue = "") String token, HttpServletResponse response, Model model) {
        if (accounts.linkSetsPassword(token)) {
            return confirmForm(token, false, model);
        }
        return verified(accounts.verifyEmail(token), response, model);
    }

    @PostMapping("/verify-email")
    String confirm(
            @RequestParam(defaultValue = "") String token,
            @RequestParam(defaultValue = "") String password,
            HttpServletResponse response,
            Model model) {
        VerifyResult result = accounts.verifyEmail(token, password);
        if (result instanceof VerifyResult.PasswordMismatch) {
            response.setStatus(HttpStatus.UNPROCESSABLE_ENTITY.value());
            return confirmForm(token, true, model);
        }
        return verified(result, response, model);
    }

    /** The form that asks for a repeated sign-up's password; {@code mismatch}: another was typed. */
    private static String confirmForm(String token, boolean mismatch, Model model) {
        model.addAttribute("outcome", "confirm");
        model.addAttribute("token", token);
        model.addAttribute("mismatch", mismatch);
        return "verify-email";
    }

    private static String verified(VerifyResult result, HttpServletResponse response, Model model) {
        String outcome = result instanceof VerifyResult.Verified
                ? "verified"
                : result instanceof VerifyResult.AlreadyUsed
                        ? "used"
                        : result instanceof VerifyResult.Expired ? "expired" : "unknown";
        if (!(result instanceof VerifyResult.Verified)) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
        }
        model.addAttribute("outcome", outcome);
        model.addAttribute("passwordSet", result instanceof VerifyResult.Verified v && v.passwordSet());
        return "verify-email";
    }
}
