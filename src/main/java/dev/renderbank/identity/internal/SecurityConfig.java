package dev.renderbank.identity.internal;

import dev.renderbank.identity.Users;
import dev.renderbank.platform.ErrorPages;
import dev.renderbank.platform.Problems;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.session.jdbc.PostgreSqlJdbcIndexedSessionRepositoryCustomizer;

/**
 * Everything is authenticated unless it must be public. Two chains here: the API (bearer token or
 * session, 401/403 as problem+json) and pages (form login); the built-in provider simulator adds
 * its own (order 1) while it runs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityConfig {

    @Bean
    UserDetailsService userDetailsService(UserStore store) {
        return email -> store.principalByEmail(email).orElseThrow(() -> new UsernameNotFoundException("no such user"));
    }

    /**
     * Sign-in by password checks the password before the account's state: Spring's default checks a
     * suspended account first and skips the password's hash, so such an address answered a wrong
     * password in a fraction of the time an active or unknown one takes (a hash each), and the time
     * told which addresses belong to a suspended account. Now every attempt pays one hash, and a
     * wrong password is a wrong password whatever the account's state; the right password of a
     * suspended account is refused after it, with the same answer.
     */
    @Bean
    DaoAuthenticationProvider passwordSignIn(UserDetailsService users, PasswordEncoder encoder) {
        DaoAuthenticationProvider provider = new DaoAuthenticationProvider(users);
        provider.setPasswordEncoder(encoder);
        provider.setPreAuthenticationChecks(user -> {});
        provider.setPostAuthenticationChecks(new AccountStatusUserDetailsChecker());
        return provider;
    }

    /**
     * Requests the firewall refuses (a {@code ;}, {@code ..}, an encoded slash or line break in the
     * path) get the same problem+json as any other bad request; a browser opening a page gets the
     * HTML error page with the 400 instead ({@link ErrorPages}).
     */
    /**
     * No Micrometer observation of each security filter, authentication and authorization (issue 15):
     * Spring Security wraps every filter of the chain in an observation when a registry exists, a few
     * objects and strings per filter per request (about 4 % of a generate POST's allocation in a JFR of
     * bench/generate), and no one reads them: no tracing is configured, and each request is still
     * timed as a whole ({@code http.server.requests}).
     */
    /**
     * Session attributes written with PostgreSQL's upsert: two requests of one browser session at once
     * (a double-clicked form, two tabs) that both add an attribute (a flash message, say) each insert
     * its row, and without the upsert the later insert failed on the primary key and its request
     * answered 500 (seen as a double-click on the admin grant form that showed an error page).
     */
    @Bean
    PostgreSqlJdbcIndexedSessionRepositoryCustomizer sessionAttributeUpserts() {
        return new PostgreSqlJdbcIndexedSessionRepositoryCustomizer();
    }

    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, e) -> {
            if (ErrorPages.wantsPage(request)) {
                // a browser opening a page: the error page, like every other refused page address
                ErrorPages.refuse(
                        request,
                        "The address contains characters that are not accepted (such as ';', '..', an encoded '/'"
                                + " or control characters).");
                response.sendError(HttpStatus.BAD_REQUEST.value());
                return;
            }
            Problems.write(
                    response,
                    HttpStatus.BAD_REQUEST,
                    "bad-request",
                    "Bad request",
                    "The request path is not accepted (no ';', '..', encoded '/' or control characters)");
        };
    }

    @Bean
    @Order(2)
    SecurityFilterChain apiChain(HttpSecurity http, Users users, LoginFlow login, MetricsTokenProperties metrics)
            throws Exception {
        http.securityMatcher("/api/**", "/actuator/**")
                .addFilterBefore(new MetricsTokenFilter(metrics), UsernamePasswordAuthenticationFilter.class)
                .addFilterBefore(new BearerTokenFilter(users), UsernamePasswordAuthenticationFilter.class)
                .addFilterBefore(login.passwordChangeFilter(), AuthorizationFilter.class)
                .authorizeHttpRequests(a -> a
                        // the completion of a stream (SSE) re-dispatches a request that was authorized already
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**")
                        .permitAll()
                        // signature or per-job token checked by the handler itself
                        .requestMatchers("/api/webhooks/**", "/api/provider/**")
                        .permitAll()
                        .requestMatchers(MetricsTokenFilter.PATH)
                        .hasAnyRole("ADMIN", MetricsTokenFilter.ROLE)
                        .requestMatchers("/actuator/**", "/api/v1/admin/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                // Browser sessions need CSRF protection; token-authenticated and signed calls do not.
                // A signed-in session's token is in the session, as on the pages (CsrfTokens).
                .csrf(c -> c.csrfTokenRepository(login.csrfTokens())
                        .requireCsrfProtectionMatcher(SecurityConfig::needsCsrf))
                .requestCache(c -> c.disable())
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) -> {
                            res.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
                            Problems.write(
                                    res,
                                    HttpStatus.UNAUTHORIZED,
                                    "unauthorized",
                                    "Unauthorized",
                                    "Send Authorization: Bearer <api token> or log in");
                        })
                        .accessDeniedHandler((req, res, ex) -> {
                            if (ex instanceof CsrfException) {
                                // a browser session's call without its token: say what to send
                                Problems.write(
                                        res,
                                        HttpStatus.FORBIDDEN,
                                        "csrf-token-missing",
                                        "CSRF token missing or wrong",
                                        "A call made with the browser session's cookie that changes something needs the"
                                                + " page's CSRF token in the X-CSRF-TOKEN header (the _csrf meta tag of"
                                                + " any page while signed in); or call with Authorization: Bearer <api token> instead (not for creating or revoking API tokens, which need the browser session and its CSRF token)");
                                return;
                            }
                            Problems.write(res, HttpStatus.FORBIDDEN, "forbidden", "Forbidden", "You may not do this");
                        }));
        return http.build();
    }

    @Bean
    @Order(3)
    SecurityFilterChain pageChain(HttpSecurity http, LoginFlow login) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/css/**", "/js/**", "/favicon.ico", "/error")
                        .permitAll()
                        .requestMatchers(LoginFlow.PUBLIC_PAGES)
                        .permitAll()
                        .requestMatchers("/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html") // API docs, read-only
                        .permitAll()
                        .requestMatchers("/admin/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .formLogin(f -> f.loginPage("/login")
                        .successHandler(login.success())
                        .failureHandler(login.failure())
                        .permitAll())
                // the address of a page asked for while signed out, not the whole request (ReturnAddress)
                .requestCache(c -> c.requestCache(login.returnAddress()))
                // a signed-out form's token in a cookie, not a session row per view (CsrfTokens)
                .csrf(c -> c.csrfTokenRepository(login.csrfTokens()))
                .addFilterBefore(login.throttleFilter(), UsernamePasswordAuthenticationFilter.class)
                .addFilterBefore(login.passwordChangeFilter(), AuthorizationFilter.class)
                .logout(l -> l.logoutSuccessUrl("/login?logout"));
        return http.build();
    }

    private static boolean needsCsrf(HttpServletRequest request) {
        String method = request.getMethod();
        boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        String path = request.getRequestURI();
        // CSRF abuses an ambient session cookie: without one there is nothing to forge, and the
        // request is answered 401 by authentication instead.
        return !safe
                && request.getRequestedSessionId() != null
                && !BearerTokenFilter.isBearer(request.getHeader(HttpHeaders.AUTHORIZATION))
                && !path.startsWith("/api/webhooks/")
                && !path.startsWith("/api/provider/");
    }
}
