package dev.renderbank.platform;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Bad input gets a 4xx problem+json that says what to fix; the database out of reach is a 503 with
 * Retry-After ({@link DatabaseOutage}); anything else unexpected is logged with a reference and
 * answered with a 500 that reveals nothing internal.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    /**
     * Bad input refused by the code past the binding (a query parameter out of range, a header too
     * long): its message says what to fix. Like every 400 it carries {@code errors}; the field is
     * {@code request} (the message names the parameter).
     */
    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badInput(IllegalArgumentException e) {
        ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", e.getMessage());
        return Problems.withFieldError(p, "request", String.valueOf(e.getMessage()));
    }

    /** Spring Security's firewall names a refused header so: {@code header: "Idempotency-Key " has a value}. */
    private static final Pattern REFUSED_HEADER =
            Pattern.compile("header: \"([A-Za-z0-9!#$%&'*+.^_`|~-]{1,64})\\s*\" has a value");

    /**
     * A header whose value the firewall refuses, found when the application reads it (so not by the
     * firewall's own handler, which sees only what it checks up front): UTF-8 text in an {@code
     * Idempotency-Key} or {@code Last-Event-ID} reaches the server as bytes some of which are control
     * characters. The client's input, not our failure: a 400 naming the header (it answered 500).
     */
    @ExceptionHandler(RequestRejectedException.class)
    ProblemDetail refusedHeader(RequestRejectedException e) {
        Matcher named = REFUSED_HEADER.matcher(String.valueOf(e.getMessage()));
        String header = named.find() ? named.group(1) : "request";
        String message = header.equals("request")
                ? "the request has a header or parameter with characters that are not accepted"
                : header + " may contain only printable ASCII characters (no control characters; non-ASCII"
                        + " text arrives as bytes that are)";
        ProblemDetail p = Problems.of(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", message);
        return Problems.withFieldError(p, header, message);
    }

    @ExceptionHandler(InvalidFieldException.class)
    ProblemDetail invalidField(InvalidFieldException e) {
        ProblemDetail p = Problems.of(e.status(), "invalid-request", "Invalid request", e.getMessage());
        p.setProperty(
                "errors",
                e.fields().entrySet().stream()
                        .map(f -> Map.of("field", f.getKey(), "message", f.getValue()))
                        .toList());
        return p;
    }

    /**
     * A body sent as multipart that cannot be parsed as such (no boundary, not multipart at all):
     * the dispatcher parses it before any handler runs, on every path, the public webhooks and
     * callbacks included. The client's mistake, not ours. (An upload over the size limit is the
     * more specific {@code MaxUploadSizeExceededException}, answered 413 by the base class.)
     */
    @ExceptionHandler(MultipartException.class)
    ProblemDetail unreadableMultipart(MultipartException e) {
        ProblemDetail p = Problems.of(
                HttpStatus.BAD_REQUEST,
                "malformed-body",
                "Malformed request body",
                "The request body is declared multipart but cannot be read as a multipart form");
        return Problems.withFieldError(p, "body", "cannot be read as a multipart form");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        ProblemDetail p = Problems.of(
                HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getName() + " has the wrong format");
        return Problems.withFieldError(p, e.getName(), "has the wrong format");
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail p = Problems.of(
                HttpStatus.BAD_REQUEST,
                "malformed-body",
                "Malformed request body",
                "The request body is not valid JSON of the expected shape");
        Problems.withFieldError(p, "body", "is not valid JSON of the expected shape");
        Optional<String> field = JsonCoercion.fieldOf(ex);
        Optional<String> unknown = StrictJsonBodies.unknownField(ex);
        if (unknown.isPresent() && field.isPresent()) {
            // a readable body with a field its type does not have: the request is wrong, not its JSON
            ProblemDetail refused = Problems.of(
                    HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", field.get() + " " + unknown.get());
            return ResponseEntity.badRequest().body(Problems.withFieldError(refused, field.get(), unknown.get()));
        }
        String problem = JsonCoercion.whatIsWrong(ex);
        if (JsonCoercion.notUtf8(ex)) {
            p.setDetail("The request body is not UTF-8 text"
                    + field.map(f -> " (in " + f + ")").orElse("") + ": send JSON encoded as UTF-8");
            Problems.withFieldError(p, field.orElse("body"), "is not UTF-8 text");
        } else if (field.isPresent()) {
            p.setDetail(field.get() + " " + problem);
            Problems.withFieldError(p, field.get(), problem);
        }
        return ResponseEntity.badRequest().body(p);
    }

    /** A path nothing serves: said as such (Spring's own text said "No static resource api/v1/…"). */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(
            NoResourceFoundException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail p = Problems.of(
                HttpStatus.NOT_FOUND,
                "not-found",
                "Not found",
                "No such path: " + ex.getHttpMethod() + " /" + ex.getResourcePath()
                        + " (the API's paths are listed at /v3/api-docs)");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(p);
    }

    /**
     * A method the path does not take: 405 naming the ones it does ({@code Allow}, and in words). Not
     * logged: the base class writes a WARN (logger {@code PageNotFound}) for each, which on the public
     * webhook and callback paths is a line anyone could write as often as they like.
     */
    @Override
    protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(
            HttpRequestMethodNotSupportedException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String taken = ex.getSupportedHttpMethods() == null
                        || ex.getSupportedHttpMethods().isEmpty()
                ? ""
                : ": it takes "
                        + String.join(
                                ", ",
                                ex.getSupportedHttpMethods().stream()
                                        .map(Object::toString)
                                        .toList());
        ProblemDetail p = Problems.of(
                HttpStatus.METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
                "This path does not take a " + ex.getMethod() + " request" + taken);
        return handleExceptionInternal(ex, p, headers, HttpStatus.METHOD_NOT_ALLOWED, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())))
                .toList();
        ProblemDetail p =
                Problems.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", "Some fields are invalid");
        p.setProperty("errors", errors);
        return ResponseEntity.badRequest().body(p);
    }

    /**
     * Text PostgreSQL cannot store (a NUL character, SQLSTATE 22021) is the client's input, not our
     * failure: whatever field carried it, the statement was refused before anything was written.
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> unstorable(DataIntegrityViolationException e) {
        if (NestedExceptionUtils.getMostSpecificCause(e) instanceof SQLException sql
                && ("22021".equals(sql.getSQLState()) || "22P05".equals(sql.getSQLState()))) {
            return ResponseEntity.badRequest()
                    .body(Problems.of(
                            HttpStatus.BAD_REQUEST,
                            "bad-request",
                            "Bad request",
                            "The request contains characters that cannot be stored, such as NUL"));
        }
        return unexpected(e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (e.getClass().getSimpleName().equals("InvalidParameterException")) {
            // Tomcat refusing a malformed query string (e.g. a stray %): the client's mistake
            return ResponseEntity.badRequest()
                    .body(Problems.of(
                            HttpStatus.BAD_REQUEST, "bad-request", "Bad request", "The query string is malformed"));
        }
        if (DatabaseOutage.causedBy(e)) {
            log.warn("Database unavailable: {}", e.toString());
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(DatabaseOutage.RETRY_AFTER_SECONDS))
                    .body(DatabaseOutage.problem());
        }
        String ref = java.util.UUID.randomUUID().toString().substring(0, 8);
        log.error("Unexpected error, reference {}", ref, e);
        ProblemDetail p = Problems.of(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "Something went wrong on our side; nothing was charged. Reference " + ref);
        return ResponseEntity.internalServerError().body(p);
    }
}
