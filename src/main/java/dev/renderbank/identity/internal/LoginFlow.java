package dev.renderbank.identity.internal;

import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.Passwords;
import dev.renderbank.platform.DatabaseOutage;
import dev.renderbank.platform.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What happens around the login form: each attempt is counted as a failure and throttled ({@link
 * LoginThrottle}) before its password is even checked; a success takes that back, clears the
 * account's count and, for
 * a one-time password, marks the session so that every page leads to the password form until the
 * password is changed (API calls with that session get 403).
 */
@Component
public class LoginFlow {

    /** Public pages of the accounts flow (no session needed). */
    public static final String[] PUBLIC_PAGES = {
        "/login", "/signup", "/signup/resend", "/verify-email", "/password/forgot", "/password/reset"
    };

    private static final String CHANGE_PAGE = "/account/password";

    private static final Logger log = LoggerFactory.getLogger(LoginFlow.class);

    private final LoginThrottle throttle;
    private final TrustedProxies proxies;
    private final Passwords passwords;
    /** The session cookie's Secure setting ({@code prod} sets it): the device cookie is Secure wherever it is. */
    private final boolean secureCookies;

    /** The page a signed-out browser asked for, returned to after sign-in (the chain saves it, success reads it). */
    private final ReturnAddress returnAddress = new ReturnAddress();

    /** The CSRF tokens of both chains: a signed-out browser's in a cookie, a signed-in one's in its session. */
    private final CsrfTokens csrfTokens;

    /** Whether the WARN about forwarded headers from a proxy nobody named was logged (once per process). */
    private final AtomicBoolean untrustedForwardSeen = new AtomicBoolean();

    LoginFlow(LoginThrottle throttle, TrustedProxies proxies, Passwords passwords, Environment environment) {
        this.throttle = throttle;
        this.proxies = proxies;
        this.passwords = passwords;
        // bound as the session cookie's own setting is (a command-line run has no web server's properties)
        this.secureCookies = Binder.get(environment)
                .bind("server.servlet.session.cookie.secure", Boolean.class)
                .orElse(false);
        this.csrfTokens = new CsrfTokens(secureCookies);
    }

    /**
     * The client whose attempts are counted: the peer, or the forwarded client behind a trusted
     * proxy (every X-Forwarded-For line, in order); an IPv6 client by its /64 ({@link ClientKeys}).
     */
    public String client(HttpServletRequest request) {
        Enumeration<String> lines = request.getHeaders("X-Forwarded-For");
        List<String> forwardedFor = lines == null ? List.of() : Collections.list(lines);
        String peer = request.getRemoteAddr();
        if (!forwardedFor.isEmpty() && !proxies.trusts(peer) && untrustedForwardSeen.compareAndSet(false, true)) {
            // Behind a TLS proxy nobody named, every client is the proxy: all share one throttle, and
            // a few wrong passwords anywhere lock everyone out. A client may send the header itself too,
            // hence a WARN once, not a refusal.
            log.warn(
                    "A sign-in came from {} with an X-Forwarded-For header, and renderbank.trusted-proxies does"
                            + " not list {}: if it is your reverse proxy, every client behind it is counted as {}"
                            + " and all share one sign-in throttle; set renderbank.trusted-proxies (and"
                            + " server.tomcat.remoteip.internal-proxies) to its address. Logged once",
                    peer,
                    peer,
                    peer);
        }
        return ClientKeys.of(proxies.clientAddressFromLines(peer, forwardedFor));
    }

    /**
     * The cookie that makes this browser known to the account it signed in to ({@link LoginThrottle}):
     * a random token, sent back to the sign-in form only, for as long as the browser stays known.
     */
    static final String DEVICE_COOKIE = "rb_signin_device";

    private static String device(HttpServletRequest req) {
        Cookie[] cookies = req.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie c : cookies) {
            if (DEVICE_COOKIE.equals(c.getName())) {
                return c.getValue();
            }
        }
        return null;
    }

    private static String deviceCookie(String token, boolean secure) {
        return ResponseCookie.from(DEVICE_COOKIE, token)
                .path("/login")
                .maxAge(KnownBrowsers.FORGET_AFTER)
                .httpOnly(true)
                .secure(secure)
                .sameSite("Lax")
                .build()
                .toString();
    }

    /** Runs before the password check: a throttled attempt is turned away unchecked. */
    OncePerRequestFilter throttleFilter() {
        return new OncePerRequestFilter() {
            @Override
            protected boolean shouldNotFilter(HttpServletRequest request) {
                return !("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath()));
            }

            @Override
            protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                    throws ServletException, IOException {
                Optional<Duration> wait = throttle.claimAttempt(client(req), req.getParameter("username"), device(req));
                if (wait.isPresent()) {
                    res.sendRedirect(
                            req.getContextPath() + "/login?locked=" + wait.get().toSeconds());
                    return;
                }
                chain.doFilter(req, res);
            }
        };
    }

    /**
     * A wrong password (or unknown account) is told with the wait it left. A sign-in that failed
     * because the database could not be read (Spring Security reports that as an authentication
     * failure, an {@link InternalAuthenticationServiceException}) is no wrong password: its claimed
     * attempt is given back and the failure thrown on, so {@link DatabaseOutage} answers the outage
     * page (503, Retry-After). If the database is still away the give-back fails the same way.
     */
    AuthenticationFailureHandler failure() {
        return (HttpServletRequest req, HttpServletResponse res, AuthenticationException e) -> {
            if (e instanceof InternalAuthenticationServiceException && DatabaseOutage.causedBy(e)) {
                throttle.giveBack(client(req), req.getParameter("username"), device(req));
                throw e;
            }
            // counted when it was claimed: only the wait it left is told
            Optional<Duration> wait = throttle.wait(client(req), req.getParameter("username"), device(req));
            res.sendRedirect(req.getContextPath() + "/login?error"
                    + wait.map(w -> "&locked=" + w.toSeconds()).orElse(""));
        };
    }

    SavedRequestAwareAuthenticationSuccessHandler success() {
        var handler = new SavedRequestAwareAuthenticationSuccessHandler() {
            @Override
            public void onAuthenticationSuccess(HttpServletRequest req, HttpServletResponse res, Authentication auth)
                    throws ServletException, IOException {
                throttle.recordSuccess(client(req), req.getParameter("username"), device(req))
                        .ifPresent(token -> res.addHeader(
                                HttpHeaders.SET_COOKIE, deviceCookie(token, secureCookies || req.isSecure())));
                if (auth.getPrincipal() instanceof CurrentUser signedIn && signedIn.getPassword() != null) {
                    // the password just checked, so a reset committing meanwhile signs this session out too
                    req.getSession()
                            .setAttribute(PasswordStamps.SESSION_ATTRIBUTE, PasswordStamps.of(signedIn.getPassword()));
                }
                if (auth.getPrincipal() instanceof CurrentUser user && passwords.mustChange(user.id())) {
                    req.getSession().setAttribute(Passwords.MUST_CHANGE_SESSION_ATTRIBUTE, Boolean.TRUE);
                    clearAuthenticationAttributes(req);
                    res.sendRedirect(req.getContextPath() + CHANGE_PAGE);
                    return;
                }
                super.onAuthenticationSuccess(req, res, auth);
            }
        };
        handler.setDefaultTargetUrl("/");
        // its own default (an HttpSessionRequestCache) would not find the address ReturnAddress kept
        handler.setRequestCache(returnAddress);
        return handler;
    }

    ReturnAddress returnAddress() {
        return returnAddress;
    }

    CsrfTokens csrfTokens() {
        return csrfTokens;
    }

    /** While the session's password must be changed: pages lead to the form, the API answers 403. */
    OncePerRequestFilter passwordChangeFilter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                    throws ServletException, IOException {
                HttpSession session = req.getSession(false);
                boolean mustChange = session != null
                        && session.getAttribute(Passwords.MUST_CHANGE_SESSION_ATTRIBUTE) != null
                        && !BearerTokenFilter.isBearer(req.getHeader(HttpHeaders.AUTHORIZATION));
                String path = req.getServletPath();
                if (!mustChange || allowedBeforeChange(path)) {
                    chain.doFilter(req, res);
                } else if (path.startsWith("/api/")) {
                    Problems.write(
                            res,
                            HttpStatus.FORBIDDEN,
                            "password-change-required",
                            "Password change required",
                            "This account signed in with a one-time password: change it at " + CHANGE_PAGE
                                    + " before using the API");
                } else {
                    res.sendRedirect(req.getContextPath() + CHANGE_PAGE);
                }
            }
        };
    }

    private static boolean allowedBeforeChange(String path) {
        return path.equals(CHANGE_PAGE)
                || path.equals("/logout")
                || path.equals("/login")
                || path.equals("/error")
                || path.equals("/favicon.ico")
                || path.startsWith("/css/")
                || path.startsWith("/js/");
    }
}
