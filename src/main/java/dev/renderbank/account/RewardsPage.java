package dev.renderbank.account;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.RewardStatus;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The rewards page ({@code /rewards}): the daily check-in with its streak, the share reward, and the
 * user's referral link with how many joined and what it earned, and which calendar day (in the user's
 * time zone) the daily rewards count as today. The buttons call the rewards API
 * ({@code static/js/rewards.js}); everything shown is rendered here first.
 */
@Controller
class RewardsPage {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEEE d MMMM", Locale.ENGLISH);

    private final Billing billing;
    private final Users users;

    RewardsPage(Billing billing, Users users) {
        this.billing = billing;
        this.users = users;
    }

    @GetMapping("/rewards")
    String rewards(@AuthenticationPrincipal CurrentUser user, Model model) {
        RewardStatus status = billing.rewards(user.id());
        RewardStatus.Terms terms = status.terms();
        model.addAttribute("status", status);
        model.addAttribute("terms", terms);
        // check-in and share are for verified addresses: say so before the buttons are pressed
        model.addAttribute(
                "verified",
                users.byId(user.id()).map(UserAccount::emailVerified).orElse(false));
        // Whether checked in today or not, the next check-in makes day streak + 1 of the streak.
        model.addAttribute("daysToBonus", terms.streakDays() - status.streak() % terms.streakDays());
        // the day the rewards count, in the user's zone: "today" is theirs, not the server's
        model.addAttribute("today", DAY.format(status.today()));
        return "rewards";
    }
}
