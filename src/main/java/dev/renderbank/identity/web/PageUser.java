package dev.renderbank.identity.web;

import dev.renderbank.identity.CurrentUser;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Puts the signed-in user (or null) into every page's model as {@code currentUser}, so the shared
 * header ({@code templates/fragments/layout.html}) can show the navigation, the address and the
 * admin link without each controller passing them.
 */
@ControllerAdvice
class PageUser {

    @ModelAttribute("currentUser")
    CurrentUser currentUser() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth != null && auth.getPrincipal() instanceof CurrentUser user ? user : null;
    }
}
