package dev.renderbank.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * PostgreSQL unreachable (restarting, failing over, connections cut by its shutdown) is not a bug:
 * the request is answered 503 problem+json with {@code Retry-After} (and {@code retryAfterSeconds}), so clients wait and send it
 * again (with the same Idempotency-Key), instead of a 500 that says "broken". Controllers get this
 * through {@link ApiExceptionHandler}; this filter, outside Spring Security and the session store,
 * catches what filters raise (token lookups, session reads and writes). A transaction that failed
 * this way was rolled back, or its connection died while committing; either way the client's retry
 * is answered from what was stored. A browser asking for a page ({@link ErrorPages#wantsPage}) gets
 * {@link OutagePage} instead, with the same status and Retry-After.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2) // after SecurityHeaders and BodySizeLimit
public class DatabaseOutage extends OncePerRequestFilter {

    static final long RETRY_AFTER_SECONDS = 5;
    static final String TYPE = "database-unavailable";
    static final String TITLE = "Service unavailable";
    static final String DETAIL = "The database is unavailable for a moment; try again shortly";

    /** Connection failures (08…), and the server shutting down or starting up (57P01–57P03). */
    private static final Set<String> SHUTDOWN_STATES = Set.of("57P01", "57P02", "57P03");

    /**
     * The security headers an inner filter ({@code SecurityHeaders}) set before the failure: they
     * hold for the outage answer too (the page must not be framed or run script). Everything else the
     * failed request had begun (a session cookie, a content type) is dropped.
     */
    private static final List<String> KEPT_HEADERS = List.of(
            "Content-Security-Policy",
            "Referrer-Policy",
            "X-Frame-Options",
            "X-Content-Type-Options",
            "Strict-Transport-Security");

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutage.class);

    /**
     * One line a minute during an outage, with how many requests met it meanwhile: a line per request
     * (sign-in pages, health checks and unauthenticated requests included) flooded the log.
     */
    private final LogThrottle lines;

    public DatabaseOutage() {
        this(new LogThrottle());
    }

    DatabaseOutage(LogThrottle lines) {
        this.lines = lines;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!causedBy(e) || response.isCommitted()) {
                throw e;
            }
            lines.warn(
                    log,
                    "Database unavailable during {} {}: {}",
                    request.getMethod(),
                    request.getRequestURI(),
                    rootOf(e));
            Map<String, String> kept = new LinkedHashMap<>();
            for (String name : KEPT_HEADERS) {
                String value = response.getHeader(name);
                if (value != null) {
                    kept.put(name, value);
                }
            }
            response.reset();
            kept.forEach(response::setHeader);
            if (ErrorPages.wantsPage(request)) {
                OutagePage.write(response); // a browser's page request: HTML it can show, not JSON
                return;
            }
            Problems.writeRetryLater(
                    response, HttpStatus.SERVICE_UNAVAILABLE, TYPE, TITLE, DETAIL, RETRY_AFTER_SECONDS);
        }
    }

    /**
     * Whether anything in the cause chain says the database could not be reached. A rollback that
     * failed (its connection already closed) carries the failure that caused it aside, as its
     * application exception: that one is followed too.
     */
    public static boolean causedBy(Throwable e) {
        for (Throwable t = e; t != null; t = next(t)) {
            if (t instanceof CannotGetJdbcConnectionException || t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof TransactionSystemException failed
                    && failed.getApplicationException() != null
                    && causedBy(failed.getApplicationException())) {
                return true;
            }
            if (t instanceof TransactionSystemException failed && connectionAlreadyClosed(failed.getCause())) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || SHUTDOWN_STATES.contains(state)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A commit cut by the server's shutdown (57P01) makes the pool close the connection; Spring then
     * tries a rollback on it, which fails with the pool's own "connection is closed" (an SQLException
     * with no SQLState), and throws that one, only logging the commit's failure. A transaction that
     * cannot even end on its connection is a lost connection, never a bug in the request.
     */
    private static boolean connectionAlreadyClosed(Throwable cause) {
        return cause instanceof SQLException sql
                && sql.getSQLState() == null
                && !(sql.getCause() instanceof SQLException);
    }

    static ProblemDetail problem() {
        ProblemDetail p = Problems.of(HttpStatus.SERVICE_UNAVAILABLE, TYPE, TITLE, DETAIL);
        p.setProperty("retryAfterSeconds", RETRY_AFTER_SECONDS);
        return p;
    }

    private static Throwable next(Throwable t) {
        Throwable cause = t instanceof ServletException s && s.getRootCause() != null ? s.getRootCause() : t.getCause();
        return cause == t ? null : cause;
    }

    static String rootOf(Throwable e) {
        Throwable root = e;
        while (next(root) != null) {
            root = next(root);
        }
        return root.toString();
    }
}
