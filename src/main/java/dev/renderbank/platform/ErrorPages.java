package dev.renderbank.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.WebProperties;
import org.springframework.boot.web.error.ErrorAttributeOptions;
import org.springframework.boot.webmvc.autoconfigure.error.BasicErrorController;
import org.springframework.boot.webmvc.autoconfigure.error.ErrorViewResolver;
import org.springframework.boot.webmvc.error.DefaultErrorAttributes;
import org.springframework.boot.webmvc.error.ErrorAttributes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;

/**
 * The answer to an error the container dispatches to {@code /error} (one raised before or outside
 * the handlers: a filter's refusal, a form Tomcat could not read): a browser asking for a page gets
 * the {@code error} page with the 4xx and, where the refusing code said so ({@link #refuse}), what
 * was wrong; every other client gets problem+json like every other refusal, not Spring Boot's
 * default JSON (timestamp, path, ...). Only in the web application: the operator command line runs
 * without a web server (and without Boot's web settings).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class ErrorPages {

    private static final String REFUSAL = ErrorPages.class.getName() + ".refusal";

    /**
     * A request a browser made for a page: not under {@code /api/}, and its Accept header names
     * HTML (a browser's navigation does; API clients and {@code fetch} calls do not).
     */
    public static boolean wantsPage(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/api/")) {
            return false;
        }
        return acceptsPage(request.getHeader(HttpHeaders.ACCEPT));
    }

    /** An Accept header naming HTML (not only through a wildcard), as a browser's navigation sends. */
    public static boolean acceptsPage(String accept) {
        if (accept == null) {
            return false;
        }
        try {
            return MediaType.parseMediaTypes(accept).stream()
                    .anyMatch(t -> !t.isWildcardType() && t.isCompatibleWith(MediaType.TEXT_HTML));
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    /**
     * Records what was wrong with a page's address, for the error page the container renders next
     * (after {@code response.sendError}).
     */
    public static void refuse(HttpServletRequest request, String refusal) {
        request.setAttribute(REFUSAL, refusal);
    }

    /** What {@link #refuse} recorded for this request, if anything. */
    static String refusal(HttpServletRequest request) {
        return request.getAttribute(REFUSAL) instanceof String refusal ? refusal : null;
    }

    @Bean
    DefaultErrorAttributes errorAttributes() {
        return new DefaultErrorAttributes() {
            @Override
            public Map<String, Object> getErrorAttributes(WebRequest request, ErrorAttributeOptions options) {
                Map<String, Object> attributes = super.getErrorAttributes(request, options);
                Object refusal = request.getAttribute(REFUSAL, RequestAttributes.SCOPE_REQUEST);
                if (refusal != null) {
                    attributes.put("address", true);
                    attributes.put("refusal", refusal);
                }
                return attributes;
            }
        };
    }

    @Bean
    BasicErrorController basicErrorController(
            ErrorAttributes errorAttributes, WebProperties web, ObjectProvider<ErrorViewResolver> resolvers) {
        return new ProblemErrorController(
                errorAttributes, web, resolvers.orderedStream().toList());
    }

    /** Boot's error controller, with problem+json instead of its default JSON for clients that are not browsers. */
    static final class ProblemErrorController extends BasicErrorController {

        ProblemErrorController(ErrorAttributes attributes, WebProperties web, List<ErrorViewResolver> resolvers) {
            super(attributes, web.getError(), resolvers);
        }

        @Override
        public ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
            HttpStatus status = getStatus(request);
            if (status == HttpStatus.NO_CONTENT) {
                return new ResponseEntity<>(status);
            }
            String detail = status.is5xxServerError()
                    ? "Something went wrong on our side"
                    : status == HttpStatus.CONTENT_TOO_LARGE
                            ? "The request body is too large"
                            : "The request could not be read: check its path, query string, headers and body";
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", Problems.TYPE_BASE + "http-" + status.value());
            body.put("title", status.getReasonPhrase());
            body.put("status", status.value());
            body.put("detail", detail);
            return ResponseEntity.status(status)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(body);
        }
    }
}
