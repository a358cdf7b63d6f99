package dev.renderbank.platform;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** RFC 9457 problem details: one place that names the problem types clients can rely on. */
public final class Problems {

    public static final String TYPE_BASE = "https://renderbank.dev/problems/";

    private Problems() {}

    public static ProblemDetail of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(TYPE_BASE + type));
        p.setTitle(title);
        return p;
    }

    /**
     * Sets {@code errors: [{field, message}]} on {@code problem}: the one field of the request a 400 or
     * 422 refuses and what to fix (docs/API.md), so clients read every such refusal the same way.
     * Returns {@code problem}.
     */
    public static ProblemDetail withFieldError(ProblemDetail problem, String field, String message) {
        problem.setProperty("errors", List.of(Map.of("field", field, "message", message)));
        return problem;
    }

    /**
     * {@link #write} of a refusal to try again after {@code retryAfterSeconds}: the {@code Retry-After}
     * header and the body's {@code retryAfterSeconds}, as every other 429 and 503 answers.
     */
    public static void writeRetryLater(
            HttpServletResponse response,
            HttpStatus status,
            String type,
            String title,
            String detail,
            long retryAfterSeconds)
            throws IOException {
        response.setStatus(status.value());
        response.setHeader("Retry-After", Long.toString(retryAfterSeconds));
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter()
                .write("{\"type\":\"%s%s\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\",\"retryAfterSeconds\":%d}"
                        .formatted(
                                TYPE_BASE, type, title, status.value(), detail.replace("\"", "'"), retryAfterSeconds));
    }

    /** For filters that answer before MVC runs (no message converters there); fields are constants. */
    public static void write(HttpServletResponse response, HttpStatus status, String type, String title, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter()
                .write("{\"type\":\"%s%s\",\"title\":\"%s\",\"status\":%d,\"detail\":\"%s\"}"
                        .formatted(TYPE_BASE, type, title, status.value(), detail.replace("\"", "'")));
    }
}
