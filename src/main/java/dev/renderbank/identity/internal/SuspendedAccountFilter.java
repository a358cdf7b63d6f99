package dev.renderbank.identity.internal;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.platform.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A suspension takes effect on the next request on every node: a session authenticated before the
 * suspension is checked against the account's flag (one read by primary key; a bearer token's lookup
 * already read the flag with the token, so it is not read twice), and
 * refused with 403 (API) or signed out (pages). Registered after Spring Security's filter chain, so
 * the caller is known here.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SuspendedAccountFilter extends OncePerRequestFilter {

    static final String MESSAGE = "This account is suspended. Contact support to have it reinstated.";

    private final UserAdministration accounts;

    SuspendedAccountFilter(UserAdministration accounts) {
        this.accounts = accounts;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof CurrentUser user && !active(request, user)) {
            if (request.getRequestURI().startsWith("/api/")) {
                Problems.write(response, HttpStatus.FORBIDDEN, "account-suspended", "Account suspended", MESSAGE);
                return;
            }
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            SecurityContextHolder.clearContext();
            response.sendRedirect(request.getContextPath() + "/login?suspended");
            return;
        }
        chain.doFilter(request, response);
    }

    /**
     * A bearer principal was read with its user row in this request: its flag is current. A session's
     * principal was stored at sign-in, so the account is read again.
     */
    private boolean active(HttpServletRequest request, CurrentUser user) {
        return request.getAttribute(BearerTokenFilter.FRESH_PRINCIPAL) != null
                ? user.isEnabled()
                : accounts.active(user.id());
    }
}
