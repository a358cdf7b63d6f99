package dev.renderbank.identity.internal;

import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.CurrentUser;
import dev.renderbank.identity.Users;
import dev.renderbank.platform.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code Authorization: Bearer <api token>}: the token's SHA-256 is looked up (one indexed read).
 * A present but unknown token is answered 401 at once rather than falling back to the session.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    /**
     * Set on a request whose principal was read from the database by this filter just now (token and
     * user row in one query), so its {@code enabled} flag is current and needs no second read.
     */
    static final String FRESH_PRINCIPAL = BearerTokenFilter.class.getName() + ".fresh";

    /** Set by {@link MetricsTokenFilter} on a request it authenticated already. */
    static final String SKIP = BearerTokenFilter.class.getName() + ".skip";

    private final Users users;

    BearerTokenFilter(Users users) {
        this.users = users;
    }

    /** Only a bearer token stands in for the session; any other Authorization scheme does not. */
    static boolean isBearer(String header) {
        return ApiTokens.isBearer(header);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (!isBearer(header) || request.getAttribute(SKIP) != null) {
            chain.doFilter(request, response);
            return;
        }
        String token = header.substring(7).trim();
        Optional<CurrentUser> user =
                token.isEmpty() || token.length() > 200 ? Optional.empty() : users.authenticateToken(token);
        if (user.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            Problems.write(
                    response,
                    HttpStatus.UNAUTHORIZED,
                    "unauthorized",
                    "Unauthorized",
                    "The API token is unknown, expired or revoked");
            return;
        }
        var auth = UsernamePasswordAuthenticationToken.authenticated(
                user.get(), null, user.get().getAuthorities());
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(auth);
        SecurityContextHolder.setContext(context);
        request.setAttribute(FRESH_PRINCIPAL, Boolean.TRUE);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
