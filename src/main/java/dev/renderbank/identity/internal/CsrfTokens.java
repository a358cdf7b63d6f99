package dev.renderbank.identity.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.web.util.WebUtils;

/**
 * Where a browser's CSRF token is kept: a signed-in browser's in its session, as Spring keeps it; a
 * signed-out browser's in a cookie of its own ({@value #COOKIE}, HttpOnly, SameSite=Lax, Secure where
 * the session cookie is or the request came over https), checked against the form's field as a
 * double-submit cookie. The session-held token stored a session row for every signed-out view of a
 * page with a form (sign-in, sign-up, forgot and reset password, an email link's page), kept for the
 * session timeout: a script requesting {@code /login} in a loop grew the session table without bound.
 *
 * <p>Equally strong while signed out: the token is as random (a UUID), the form carries it XOR-masked
 * afresh for each view as before (BREACH), and a post without the cookie, or whose field does not
 * match it, is refused (403, the page says to reload); SameSite=Lax keeps the cookie off another
 * site's posts besides. Whoever could plant this cookie in a victim's browser could as well plant a
 * session cookie of a signed-out session of their own, whose token they knew. Signing in replaces the
 * token (Spring's {@code CsrfAuthenticationStrategy} clears it and asks for a new one): the cookie is
 * cleared, the new token goes into the new session, and a signed-in request reads its session only,
 * never the cookie, so a token planted or learnt before the sign-in is of no use after it.
 */
final class CsrfTokens implements CsrfTokenRepository {

    static final String COOKIE = "rb_csrf";

    /** Set once this request's token was cleared: the one asked for next (at sign-in) goes into the session. */
    private static final String REPLACED = CsrfTokens.class.getName() + ".REPLACED";

    private final HttpSessionCsrfTokenRepository session = new HttpSessionCsrfTokenRepository();
    private final CookieCsrfTokenRepository cookie = new CookieCsrfTokenRepository();

    /** {@code secureCookies}: the session cookie's Secure setting ({@code prod} sets it). */
    CsrfTokens(boolean secureCookies) {
        cookie.setCookieName(COOKIE);
        // the session-held token's header (its form field is _csrf in both)
        cookie.setHeaderName("X-CSRF-TOKEN");
        cookie.setCookieCustomizer(c -> {
            c.httpOnly(true).sameSite("Lax");
            if (secureCookies) {
                c.secure(true); // else Secure when the request itself came over https
            }
        });
    }

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        return session.generateToken(request);
    }

    @Override
    public CsrfToken loadToken(HttpServletRequest request) {
        HttpSession current = request.getSession(false);
        CsrfToken held = current == null ? null : session.loadToken(request);
        if (held != null || signedIn(current)) {
            return held;
        }
        // signed out (with no session or one that only remembers a page to return to): the cookie's
        // (none once cleared in this request)
        return cookie.loadToken(request);
    }

    @Override
    public void saveToken(CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        if (token == null) {
            // sign-in or sign-out: neither place keeps the old token
            session.saveToken(null, request, response);
            if (WebUtils.getCookie(request, COOKIE) != null) {
                cookie.saveToken(null, request, response);
            }
            request.setAttribute(REPLACED, Boolean.TRUE);
        } else if (signedIn(request.getSession(false)) || request.getAttribute(REPLACED) != null) {
            session.saveToken(token, request, response);
        } else {
            cookie.saveToken(token, request, response);
        }
    }

    private static boolean signedIn(HttpSession session) {
        return session != null
                && session.getAttribute(HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY) != null;
    }
}
