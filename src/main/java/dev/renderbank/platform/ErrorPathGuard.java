package dev.renderbank.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code /error} renders an error that happened while serving another request (the container's
 * error dispatch, which this filter does not see). Asked for directly there is no error to render,
 * and Boot's error controller answered a 500 ("status 999") to anyone: here it is a path like any
 * unknown one, 404 problem+json. The path compared is the one the container decoded and
 * normalised (servlet path plus path info), the one request mapping matches: the raw request URI
 * let {@code /%65rror} through to the error controller.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 6) // after the body cap and the security headers, before Spring Security
class ErrorPathGuard extends OncePerRequestFilter {

    static final String PATH = "/error";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getServletPath() + (request.getPathInfo() != null ? request.getPathInfo() : "");
        return !(path.equals(PATH) || path.startsWith(PATH + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Problems.write(response, HttpStatus.NOT_FOUND, "not-found", "Not found", "There is nothing at this path");
    }
}
