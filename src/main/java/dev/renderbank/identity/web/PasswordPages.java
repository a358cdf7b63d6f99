package dev.renderbank.identity.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.Passwords;
import dev.renderbank.identity.Passwords.Outcome;
import dev.renderbank.identity.Sessions;
import dev.renderbank.identity.internal.LoginFlow;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Forgot password, reset by emailed link, and change (knowing the current one). */
@Controller
class PasswordPages {

    private final Passwords passwords;
    private final LoginFlow login;
    private final Sessions sessions;

    PasswordPages(Passwords passwords, LoginFlow login, Sessions sessions) {
        this.passwords = passwords;
        this.login = login;
        this.sessions = sessions;
    }

    @GetMapping("/password/forgot")
    String forgotForm() {
        return "password-forgot";
    }

    @PostMapping("/password/forgot")
    String forgot(
            @RequestParam(defaultValue = "") String email,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        model.addAttribute("email", email);
        if (passwords.requestReset(email, login.client(request))) {
            model.addAttribute("sent", true);
        } else {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            model.addAttribute("problem", SignupPages.TOO_MANY);
        }
        return "password-forgot";
    }

    @GetMapping("/password/reset")
    String resetForm(@RequestParam(defaultValue = "") String token, HttpServletResponse response, Model model) {
        model.addAttribute("token", token);
        if (!passwords.resetLinkValid(token)) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("linkNotValid", true);
        }
        return "password-reset";
    }

    @PostMapping("/password/reset")
    String reset(
            @RequestParam(defaultValue = "") String token,
            @RequestParam(defaultValue = "") String password,
            HttpServletResponse response,
            Model model) {
        model.addAttribute("token", token);
        Outcome outcome = passwords.reset(token, password);
        if (outcome instanceof Outcome.Changed) {
            return "redirect:/login?reset";
        }
        if (outcome instanceof Outcome.Invalid i) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("problem", i.message());
        } else {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("linkNotValid", true);
        }
        return "password-reset";
    }

    @GetMapping("/account/password")
    String changeForm(HttpSession session, Model model) {
        model.addAttribute("mustChange", session.getAttribute(Passwords.MUST_CHANGE_SESSION_ATTRIBUTE) != null);
        return "password-change";
    }

    @PostMapping("/account/password")
    String change(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(defaultValue = "") String current,
            @RequestParam(defaultValue = "") String password,
            HttpSession session,
            HttpServletResponse response,
            Model model) {
        Outcome outcome = passwords.change(user.id(), current, password, session.getId());
        if (outcome instanceof Outcome.Invalid i) {
            response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
            model.addAttribute("field", i.field());
            model.addAttribute("problem", i.message());
            model.addAttribute("mustChange", session.getAttribute(Passwords.MUST_CHANGE_SESSION_ATTRIBUTE) != null);
            return "password-change";
        }
        session.removeAttribute(Passwords.MUST_CHANGE_SESSION_ATTRIBUTE);
        sessions.restamp(session, user.id());
        model.addAttribute("changed", true);
        return "password-change";
    }
}
