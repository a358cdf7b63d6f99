package dev.renderbank.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Security headers on every answer, pages and API alike, set before anything else runs (so even
 * a 401 from a security filter carries them). The CSP allows only the application's own scripts
 * and styles: no inline script, no inline event handler, no {@code style="…"} attribute — an
 * injected tag then does nothing. Handlers may tighten a header for their page (the tokens page
 * sends no referrer at all).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityHeaders {

    @Bean
    FilterRegistrationBean<HeaderFilter> securityHeadersFilter(
            SecurityHeadersProperties properties, ObjectProvider<ContentSources> sources) {
        var registration = new FilterRegistrationBean<>(new HeaderFilter(properties, sources));
        // first of all: answers that filters give before the rest runs (a body over the cap, the
        // database away) carry the headers too
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    /** The policy with the modules' extra origins; computed once the beans exist. */
    static String policy(List<ContentSources> sources) {
        Set<String> media = new LinkedHashSet<>();
        Set<String> forms = new LinkedHashSet<>();
        for (ContentSources s : sources) {
            media.addAll(s.media());
            forms.addAll(s.formActions());
        }
        String extraMedia = media.isEmpty() ? "" : " " + String.join(" ", media);
        String extraForms = forms.isEmpty() ? "" : " " + String.join(" ", forms);
        return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:" + extraMedia
                + "; media-src 'self' blob:" + extraMedia + "; connect-src 'self'; font-src 'self'"
                + "; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'" + extraForms;
    }

    static final class HeaderFilter extends OncePerRequestFilter {

        private final SecurityHeadersProperties properties;
        private final ObjectProvider<ContentSources> sources;
        private volatile String policy;

        HeaderFilter(SecurityHeadersProperties properties, ObjectProvider<ContentSources> sources) {
            this.properties = properties;
            this.sources = sources;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String csp = policy;
            if (csp == null) {
                csp = policy(sources.orderedStream().toList());
                policy = csp;
            }
            response.setHeader("Content-Security-Policy", csp);
            response.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("X-Content-Type-Options", "nosniff");
            if (properties.hsts()) {
                // sent on every answer: behind a TLS-terminating proxy the request itself looks like
                // plain http, and browsers ignore the header on a real http answer anyway
                response.setHeader(
                        "Strict-Transport-Security",
                        "max-age=" + properties.hstsMaxAge().toSeconds() + "; includeSubDomains");
            }
            chain.doFilter(request, response);
        }
    }
}
