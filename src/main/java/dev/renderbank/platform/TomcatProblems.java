package dev.renderbank.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.buf.ByteChunk;
import org.apache.tomcat.util.buf.MessageBytes;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Requests Tomcat refuses before Spring sees them (an encoded slash, a NUL or a malformed escape in
 * the path, bytes that are not UTF-8, a header section over the limit) are answered by the host's
 * error report valve, which writes an HTML page naming Tomcat. This replaces that valve with one
 * that answers like every other refusal: problem+json, or for a browser opening a page (a path
 * outside {@code /api/}, Accept naming HTML: {@link ErrorPages#acceptsPage}) a static error page in
 * the site's look with the same status. No context serves such a request (its path could not be
 * decoded), so the page is written here from the raw bytes of the address, never decoded or echoed.
 * A request line Tomcat cannot parse at all (raw bytes that are not UTF-8, which browsers escape)
 * is refused before any header is read: with no Accept to go by, it gets problem+json.
 * Runs after Boot's own customizer (which installs its valve) so the replacement is the last word.
 */
@Component
class TomcatProblems implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addContextCustomizers(TomcatProblems::replaceErrorReportValve);
    }

    private static void replaceErrorReportValve(Context context) {
        var pipeline = context.getParent().getPipeline();
        for (Valve valve : pipeline.getValves()) {
            if (valve instanceof ErrorReportValve) {
                pipeline.removeValve(valve);
            }
        }
        pipeline.addValve(new ProblemValve());
        if (context.getParent() instanceof StandardHost host) {
            // otherwise the host adds a stock valve of its own at start, behind this one
            host.setErrorReportValveClass(ProblemValve.class.getName());
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Reports errors Tomcat raised itself (nothing written yet) as problem+json. */
    public static final class ProblemValve extends ErrorReportValve {

        public ProblemValve() {
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int code = response.getStatus();
            if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            HttpStatus status = HttpStatus.resolve(code);
            String title = status != null ? status.getReasonPhrase() : "Error";
            String detail = code >= 500
                    ? "Something went wrong on our side"
                    : "The request could not be read: check its path, query string and headers";
            try {
                response.resetBuffer();
                headers(response);
                if (code < 500 && wantsPage(request)) {
                    page(response, code);
                } else {
                    Problems.write(
                            response, status != null ? status : HttpStatus.BAD_REQUEST, "http-" + code, title, detail);
                }
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the response was committed meanwhile: nothing more to say
            }
        }

        /**
         * Read from the address's raw bytes (as ISO-8859-1, which cannot fail) rather than the
         * servlet view: the address may not decode, and no context was mapped to take a path from.
         */
        private static boolean wantsPage(Request request) {
            MessageBytes uri = request.getCoyoteRequest().requestURI();
            String raw;
            if (uri.getType() == MessageBytes.T_BYTES) {
                ByteChunk bytes = uri.getByteChunk();
                raw = new String(bytes.getBuffer(), bytes.getStart(), bytes.getLength(), StandardCharsets.ISO_8859_1);
            } else {
                raw = uri.toString();
            }
            return raw != null
                    && !raw.startsWith("/api/")
                    && ErrorPages.acceptsPage(request.getCoyoteRequest().getHeader(HttpHeaders.ACCEPT));
        }

        /** No filter ran: the security headers every other answer carries. */
        private static void headers(Response response) {
            response.setHeader("Content-Security-Policy", SecurityHeaders.policy(List.of()));
            response.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("X-Content-Type-Options", "nosniff");
        }

        private static void page(Response response, int code) throws IOException {
            String problem = code == 400
                    ? "The address is not valid: it contains a malformed '%' escape, an encoded '/' or control"
                            + " character (such as NUL), or bytes that are not UTF-8 text."
                    : "The request could not be served (" + code + ").";
            response.setStatus(code);
            response.setContentType("text/html");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write(PAGE.formatted(problem));
        }

        /** templates/error.html's 400 case for a signed-out visitor, without the template engine. */
        private static final String PAGE = """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <title>This page could not be shown · renderbank</title>
                  <link rel="stylesheet" href="/css/app.css">
                </head>
                <body>
                <header class="site">
                  <a class="brand" href="/">renderbank</a>
                  <nav aria-label="account"><a href="/login">Sign in</a> <a href="/signup">Create account</a></nav>
                </header>
                <main>
                <div class="card login">
                  <h1>This page could not be shown</h1>
                  <p class="error" role="alert" id="problem">%s</p>
                  <p>Nothing was saved or changed. Go back and use the page's own links and forms, or correct the address.</p>
                  <p><a href="/">Home</a> · <a href="/login">Sign in</a></p>
                </div>
                </main>
                </body>
                </html>
                """;
    }
}
