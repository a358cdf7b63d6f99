package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;

/** Where {@link CsrfTokens} reads and keeps a token, by whether the browser is signed in. */
class CsrfTokensTest {

    private static final String HELD = HttpSessionCsrfTokenRepository.class.getName() + ".CSRF_TOKEN";

    private final CsrfTokens tokens = new CsrfTokens(false);
    private final MockHttpServletResponse response = new MockHttpServletResponse();

    @Test
    void aSignedOutBrowsersTokenIsACookieAndNoSession() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/login");
        CsrfToken token = tokens.generateToken(request);
        tokens.saveToken(token, request, response);
        assertThat(request.getSession(false)).isNull();
        Cookie cookie = response.getCookie(CsrfTokens.COOKIE);
        assertThat(cookie).isNotNull();
        assertThat(cookie.getValue()).isEqualTo(token.getToken());
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSecure()).isFalse();
        assertThat(cookie.getAttribute("SameSite")).isEqualTo("Lax");
        assertThat(token.getHeaderName()).isEqualTo("X-CSRF-TOKEN");
        assertThat(token.getParameterName()).isEqualTo("_csrf");

        MockHttpServletRequest next = new MockHttpServletRequest("POST", "/login");
        next.setCookies(new Cookie(CsrfTokens.COOKIE, token.getToken()));
        assertThat(tokens.loadToken(next).getToken()).isEqualTo(token.getToken());
    }

    @Test
    void theCookieIsSecureWhereTheSessionCookieIsOrOverHttps() {
        MockHttpServletRequest plain = new MockHttpServletRequest("GET", "/login");
        new CsrfTokens(true).saveToken(tokens.generateToken(plain), plain, response);
        assertThat(response.getCookie(CsrfTokens.COOKIE).getSecure()).isTrue();

        MockHttpServletRequest https = new MockHttpServletRequest("GET", "/login");
        https.setSecure(true);
        MockHttpServletResponse answer = new MockHttpServletResponse();
        tokens.saveToken(tokens.generateToken(https), https, answer);
        assertThat(answer.getCookie(CsrfTokens.COOKIE).getSecure()).isTrue();
    }

    @Test
    void aSessionThatOnlyRemembersAPageUsesTheCookieAndOneHoldingAToken() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");
        request.setSession(new MockHttpSession()); // a return address, no sign-in
        request.setCookies(new Cookie(CsrfTokens.COOKIE, "cookie-token"));
        assertThat(tokens.loadToken(request).getToken()).isEqualTo("cookie-token");
        tokens.saveToken(tokens.generateToken(request), request, response);
        assertThat(request.getSession().getAttribute(HELD))
                .as("kept in the cookie")
                .isNull();

        // a signed-out session that holds a token (a form opened before the upgrade): that token
        CsrfToken held = tokens.generateToken(request);
        request.getSession().setAttribute(HELD, held);
        assertThat(tokens.loadToken(request).getToken()).isEqualTo(held.getToken());
    }

    @Test
    void aSignedInBrowserNeverUsesTheCookie() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/logout");
        request.getSession()
                .setAttribute(
                        HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY, new SecurityContextImpl());
        request.setCookies(new Cookie(CsrfTokens.COOKIE, "planted"));
        assertThat(tokens.loadToken(request)).isNull();

        CsrfToken token = tokens.generateToken(request);
        tokens.saveToken(token, request, response);
        assertThat(request.getSession().getAttribute(HELD)).isEqualTo(token);
        assertThat(response.getCookie(CsrfTokens.COOKIE)).isNull();
        assertThat(tokens.loadToken(request).getToken()).isEqualTo(token.getToken());
    }

    /** What Spring's CsrfAuthenticationStrategy does at sign-in: clear, then ask for a new token. */
    @Test
    void signingInClearsTheCookieAndKeepsTheNewTokenInTheSession() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");
        request.setCookies(new Cookie(CsrfTokens.COOKIE, "before-sign-in"));
        assertThat(tokens.loadToken(request)).isNotNull();

        tokens.saveToken(null, request, response);
        assertThat(response.getCookie(CsrfTokens.COOKIE).getMaxAge()).isZero();
        assertThat(tokens.loadToken(request)).as("the cookie is not read again").isNull();
        CsrfToken fresh = tokens.generateToken(request);
        tokens.saveToken(fresh, request, response);
        assertThat(request.getSession(false)).isNotNull();
        assertThat(request.getSession().getAttribute(HELD)).isEqualTo(fresh);
        assertThat(response.getCookies())
                .filteredOn(c -> c.getName().equals(CsrfTokens.COOKIE))
                .as("only the clearing cookie")
                .singleElement()
                .satisfies(c -> assertThat(c.getMaxAge()).isZero());
    }
}
