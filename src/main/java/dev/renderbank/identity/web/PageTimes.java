package dev.renderbank.identity.web;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.TimeZones;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.UserTimes;
import dev.renderbank.identity.Users;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Puts the signed-in user's {@link UserTimes} into every page's model as {@code times} (null on
 * signed-out pages), so a template writes a moment as {@code ${times.minute(t.createdAt())}} in the
 * user's zone and names the zone with {@code fragments/layout :: times}. The zone is read only when a
 * template writes a time: the advice runs for JSON answers too, which must not pay a read for it. A
 * controller that formats times itself puts its own {@code times} in the model, which replaces this one.
 */
@ControllerAdvice
class PageTimes {

    private final Users users;

    PageTimes(Users users) {
        this.users = users;
    }

    @ModelAttribute("times")
    UserTimes times() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (!(auth != null && auth.getPrincipal() instanceof CurrentUser user)) {
            return null;
        }
        long id = user.id();
        return UserTimes.lookedUpBy(
                () -> users.byId(id).map(UserAccount::timeZone).orElse(TimeZones.DEFAULT));
    }
}
