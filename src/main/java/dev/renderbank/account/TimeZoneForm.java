package dev.renderbank.account;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.TimeZoneChange;
import dev.renderbank.identity.Users;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The time zone form on {@code /account}: the calendar the daily check-in and share rewards count
 * days in. Back to the page's form either way, with what happened said beside it.
 */
@Controller
class TimeZoneForm {

    private final Users users;

    TimeZoneForm(Users users) {
        this.users = users;
    }

    @PostMapping("/account/time-zone")
    String save(
            @AuthenticationPrincipal CurrentUser user,
            @RequestParam(defaultValue = "") String timeZone,
            RedirectAttributes flash) {
        TimeZoneChange change = users.changeTimeZone(user.id(), timeZone);
        if (change instanceof TimeZoneChange.Changed c) {
            flash.addFlashAttribute(
                    "timeZoneNotice",
                    "Your time zone is now " + c.timeZone()
                            + ": your pages show times in it, and daily rewards count its calendar days.");
        } else if (change instanceof TimeZoneChange.Unknown) {
            flash.addFlashAttribute(
                    "timeZoneProblem",
                    "That is not a time zone renderbank knows; nothing was changed. Choose one from the list,"
                            + " such as Europe/Berlin.");
        } else {
            flash.addFlashAttribute("timeZoneProblem", "This account was deleted; nothing was changed.");
        }
        return "redirect:/account#time-zone";
    }
}
