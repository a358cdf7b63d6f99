package dev.renderbank.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.apache.catalina.connector.ClientAbortException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Drops the connection of a request marked by {@link ResponseCut}. The servlet API cannot abort a
 * response; Tomcat does, when its own client-abort exception leaves the servlet after the response
 * was committed: it logs that at debug only, renders no error page into the body, and closes the
 * connection at once (the error report valve's committed-response branch). Thrown from a handler the
 * exception would meet Spring MVC's exception handlers first, which log it as an unexpected error or
 * take it for a client that left and end the response normally, keeping the connection open; so the
 * handler marks the request and this filter, outside Spring MVC and every other filter of ours,
 * throws it. The response is flushed first so it is committed, the case Tomcat cuts.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ResponseCutFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, response);
        if (request.getAttribute(ResponseCut.ATTRIBUTE) instanceof String why) {
            request.removeAttribute(ResponseCut.ATTRIBUTE);
            response.flushBuffer();
            throw new ClientAbortException(new IOException("response cut: " + why));
        }
    }
}
