package dev.renderbank.platform;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.sql.SQLException;
import java.util.Map;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * A page's form that carried text PostgreSQL cannot store (a NUL, SQLSTATE 22021) or that Tomcat
 * could not decode is the person's input, not our failure: the browser gets the {@code error} page
 * with a 400 saying what to fix, not the problem+json written for API clients. Requests under
 * {@code /api/} are left to {@link ApiExceptionHandler}. Runs before the {@code @ExceptionHandler}
 * methods; nothing was written (the failed statement ended its transaction).
 */
@Component
class PageInputRefusals implements HandlerExceptionResolver, Ordered {

    static final String REFUSAL =
            "The form contains characters that cannot be accepted, such as NUL or other control characters.";

    @Override
    public ModelAndView resolveException(
            HttpServletRequest request, HttpServletResponse response, Object handler, Exception e) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/api/") || !(unstorable(e) || undecodable(e))) {
            return null;
        }
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        return new ModelAndView(
                "error",
                Map.of(
                        "status",
                        400,
                        "error",
                        "Bad Request",
                        "path",
                        path,
                        "refusal",
                        unstorable(e)
                                ? REFUSAL
                                : "The form could not be read: it contains bytes that are not valid UTF-8 text."),
                HttpStatus.BAD_REQUEST);
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
