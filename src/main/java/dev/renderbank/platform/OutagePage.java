package dev.renderbank.platform;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

/**
 * The page a browser gets while the database is out of reach: a readable 503 with Retry-After
 * instead of the problem+json written for API clients. A fixed text, not a template: rendering one
 * would read the session and the CSRF token, which live in the database that is away. Only the
 * stylesheet (a static file) is linked; no script or inline style (the CSP forbids them). The wait
 * it tells a person is its Retry-After: a restart or fail-over of PostgreSQL takes seconds, and a
 * person told "a minute" would wait twelve times longer than a client told 5 s.
 */
final class OutagePage {

    static final String HEADING = "renderbank is briefly unavailable";

    private static final String HTML = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Briefly unavailable · renderbank</title>
              <link rel="stylesheet" href="/css/app.css">
            </head>
            <body>
            <header class="site"><a class="brand" href="/">renderbank</a></header>
            <main>
            <div class="card login">
              <h1>%s</h1>
              <p class="error" role="alert" id="problem">We cannot reach our database for a moment. Please try again in %d seconds.</p>
              <p>If you had just sent a form, look at the page again before sending it twice: what was sent may have been saved.</p>
              <p id="next"><a href="/">Home</a></p>
            </div>
            </main>
            </body>
            </html>
            """.formatted(HEADING, DatabaseOutage.RETRY_AFTER_SECONDS);

    private OutagePage() {}

    static void write(HttpServletResponse response) throws IOException {
        response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(HTML);
    }
}
