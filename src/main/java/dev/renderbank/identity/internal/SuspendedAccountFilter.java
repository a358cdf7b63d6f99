package dev.renderbank.identity.internal;

import dev.renderbank.identity.CurrentUser;
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
 * refused with 403 (API) or signed out (pages). The same read gives the password hash: a session
 * signed in with a password replaced since ({@link PasswordStamps}) is signed out (401 for the API). Registered after Spring Security's filter chain, so
 * the caller is known here.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SuspendedAccountFilter extends OncePerRequestFilter {

    static final String MESSAGE = "This account is suspended. Contact support to have it reinstated.";

    private final UserAdminStore accounts;

    SuspendedAccountFilter(UserAdminStore accounts) {
        this.accounts = accounts;
    }

    private enum Verdict {
        ACTIVE,
        SUSPENDED,
        /** The session was signed in with a password that has been replaced since (a reset, a change). */
        STALE_PASSWORD
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        Verdict verdict = auth != null && auth.getPrincipal() instanceof CurrentUser user
                ? verdict(request, user)
                : Verdict.ACTIVE;
        if (verdict == Verdict.STALE_PASSWORD) {
            signOut(request);
            if (request.getRequestURI().startsWith("/api/")) {
                Problems.write(
                        response,
                        HttpStatus.UNAUTHORIZED,
                        "unauthorized",
                        "Unauthorized",
                        "This session was signed out: the password was changed. Log in again");
                return;
            }
            response.sendRedirect(request.getContextPath() + "/login");
            return;
        }
        if (verdict == Verdict.SUSPENDED) {
            if (request.getRequestURI().startsWith("/api/")) {
                Problems.write(response, HttpStatus.FORBIDDEN, "account-suspended", "Account suspended", MESSAGE);
                return;
            }
            signOut(request);
            response.sendRedirect(request.getContextPath() + "/login?suspended");
            return;
        }
        chain.doFilter(request, response);
    }

    private static void signOut(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        SecurityContextHolder.clearContext();
    }

    /**
     * A bearer principal was read with its user row in this request: its flag is current. A session's
     * principal was stored at sign-in, so the account is read again (one read by primary key), with
     * the password hash the session's stamp is compared with.
     */
    private Verdict verdict(HttpServletRequest request, CurrentUser user) {
        if (request.getAttribute(BearerTokenFilter.FRESH_PRINCIPAL) != null) {
            return user.isEnabled() ? Verdict.ACTIVE : Verdict.SUSPENDED;
        }
        var check = accounts.sessionCheck(user.id()).orElse(null);
        if (check == null || !check.enabled()) {
            return Verdict.SUSPENDED;
        }
        HttpSession session = request.getSession(false);
        Object stamp = session == null ? null : session.getAttribute(PasswordStamps.SESSION_ATTRIBUTE);
        if (stamp != null && !stamp.equals(PasswordStamps.of(check.passwordHash()))) {
            return Verdict.STALE_PASSWORD;
        }
        return Verdict.ACTIVE;
    }
}
