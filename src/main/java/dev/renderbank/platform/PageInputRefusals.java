package dev.renderbank.platform;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * A page's form that carried text PostgreSQL cannot store (a NUL, SQLSTATE 22021) or that Tomcat
 * could not decode is the person's input, not our failure: the browser gets the {@code error} page
 * with a 400 saying what to fix, not the problem+json written for API clients. So does a page (a
 * handler that renders a view, not a {@code @ResponseBody} one) whose address or form is wrong in a
 * way the person can fix: a value of the wrong type, a missing field, a field the page refused
 * ({@link InvalidFieldException}, an edited cursor) or an object that is not theirs (404); and a
 * page that failed on our side gets a page too ({@link OutagePage}, a 503, while the database is away,
 * else the error page, a 500 with a logged reference), not a JSON body. Requests
 * under {@code /api/} and the JSON handlers are left to {@link ApiExceptionHandler}. Runs before the
 * {@code @ExceptionHandler} methods; nothing was written (the failed statement ended its transaction).
 */
@Component
class PageInputRefusals implements HandlerExceptionResolver, Ordered {

    private static final Logger log = LoggerFactory.getLogger(PageInputRefusals.class);

    static final String REFUSAL =
            "The form contains characters that cannot be accepted, such as NUL or other control characters.";

    @Override
    public ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception e) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/api/")) {
            return null;
        }
        if (!(unstorable(e) || undecodable(e))) {
            return page(handler) || noPageFor(request, handler, e) ? addressError(request, response, path, e) : null;
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        Map<String, Object> model = new HashMap<>();
        model.put("status", 400);
        model.put("error", "Bad Request");
        model.put("path", path);
        model.put(
                "refusal",
                unstorable(e)
                        ? REFUSAL
                        : "The form could not be read: it contains bytes that are not valid UTF-8 text.");
        signedIn().ifPresent(user -> model.put("currentUser", user));
        return new ModelAndView("error", model, HttpStatus.BAD_REQUEST);
    }

    /**
     * A browser's request for a page that no page handler took: a method the page does not take
     * (405), an address of nothing (404). Refused before any handler, it is still a page's address.
     */
    private static boolean noPageFor(HttpServletRequest request, Object handler, Exception e) {
        return !(handler instanceof HandlerMethod)
                && e instanceof ErrorResponse r
                && r.getStatusCode().is4xxClientError()
                && ErrorPages.wantsPage(request);
    }

    /** A handler that renders a page: neither it nor its class writes the body itself ({@code @ResponseBody}). */
    static boolean page(Object handler) {
        return handler instanceof HandlerMethod m
                && !m.hasMethodAnnotation(ResponseBody.class)
                && !AnnotatedElementUtils.hasAnnotation(m.getBeanType(), ResponseBody.class)
                && !HttpEntity.class.isAssignableFrom(m.getReturnType().getParameterType());
    }

    /**
     * The error page for a page's address or form the person got wrong (4xx, saying what), or for a
     * failure on our side: {@link OutagePage} while the database is away, else 500 with a logged reference.
     */
    private static ModelAndView addressError(
            HttpServletRequest request, HttpServletResponse response, String path, Exception e) {
        HttpStatus status;
        String refusal;
        if (e instanceof MethodArgumentTypeMismatchException m) {
            status = HttpStatus.BAD_REQUEST;
            refusal = "The value of " + m.getName() + " has the wrong format.";
        } else if (e instanceof MissingServletRequestParameterException m) {
            status = HttpStatus.BAD_REQUEST;
            refusal = "The form was sent without " + m.getParameterName() + ".";
        } else if (e instanceof InvalidFieldException f) {
            status = f.status();
            refusal = "What was sent is not valid: " + f.getMessage() + ".";
        } else if (e instanceof IllegalArgumentException && !(e instanceof NumberFormatException)) {
            // our own refusals of a value (an edited cursor, say); a parser's message is not shown
            status = HttpStatus.BAD_REQUEST;
            refusal = "What was sent is not valid: " + e.getMessage() + ".";
        } else if (e instanceof ErrorResponse r
                && r.getStatusCode().is4xxClientError()
                && HttpStatus.resolve(r.getStatusCode().value()) != null) {
            status = HttpStatus.valueOf(r.getStatusCode().value());
            r.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v))); // Allow
            // else what a filter recorded before the container's error dispatch (BodySizeLimit's 413 for
            // a multipart form: the dispatcher parses the parts again there, and fails on their size),
            // else the page's own words for 403 and 404
            refusal = e instanceof HttpRequestMethodNotSupportedException m
                    ? "This page does not take a " + m.getMethod() + " request: use the page's own links and forms."
                    : ErrorPages.refusal(request);
        } else if (e instanceof AccessDeniedException || e instanceof AuthenticationException) {
            return null; // Spring Security's filters answer these (sign-in page, 403)
        } else if (DatabaseOutage.causedBy(e)) {
            log.warn("Database unavailable: {}", e.toString());
            try {
                OutagePage.write(response); // not the error template: rendering it reads the session
            } catch (IOException clientGone) {
                log.debug("Outage page not delivered: {}", clientGone.toString());
            }
            return new ModelAndView();
        } else {
            // our failure: logged with a reference the person can quote, nothing internal shown
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("Unexpected error on page {}, reference {}", path, reference, e);
            status = HttpStatus.INTERNAL_SERVER_ERROR;
            refusal = null;
            response.setStatus(status.value());
            Map<String, Object> model = new HashMap<>();
            model.put("status", status.value());
            model.put("error", status.getReasonPhrase());
            model.put("path", path);
            model.put("reference", reference);
            signedIn().ifPresent(user -> model.put("currentUser", user));
            return new ModelAndView("error", model, status);
        }
        response.setStatus(status.value());
        Map<String, Object> model = new HashMap<>();
        model.put("status", status.value());
        model.put("error", status.getReasonPhrase());
        model.put("path", path);
        model.put("address", true);
        if (refusal != null) {
            model.put("refusal", refusal);
        }
        signedIn().ifPresent(user -> model.put("currentUser", user));
        return new ModelAndView("error", model, status);
    }

    /**
     * The signed-in user for the page's header, as identity's page advice gives it to every page
     * (the advice does not run for a view a resolver returns): without it the header offers "Sign in".
     */
    private static Optional<Object> signedIn() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || auth instanceof AnonymousAuthenticationToken || auth.getPrincipal() instanceof String
                ? Optional.empty()
                : Optional.ofNullable(auth.getPrincipal());
    }

    static boolean unstorable(Exception e) {
        return e instanceof DataIntegrityViolationException
                && NestedExceptionUtils.getMostSpecificCause(e) instanceof SQLException sql
                && ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()));
    }

    private static boolean undecodable(Exception e) {
        return e.getClass().getSimpleName().equals("InvalidParameterException");
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 1; // after Boot's DefaultErrorAttributes, which only records
    }
}
