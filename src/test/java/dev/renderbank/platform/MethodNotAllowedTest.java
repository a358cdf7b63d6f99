package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A public route asked with a method it does not take (a {@code GET} of a payment webhook, a {@code
 * PUT} of a provider callback) is the caller's mistake: 405 problem+json naming the methods it takes
 * ({@code Allow}), and nothing in the log. Anyone may send them, as often as they like: a WARN line
 * each (Spring's {@code PageNotFound} logger) would be log noise an outsider writes at will.
 */
class MethodNotAllowedTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    MethodNotAllowedTest() {
        lines.start();
        root.addAppender(lines);
    }

    @AfterEach
    void detach() {
        root.detachAppender(lines);
    }

    @Test
    void aMethodAPublicRouteDoesNotTakeIs405ProblemJsonWithAllowAndNoWarning() throws Exception {
        record Call(String method, String path, String allow) {}
        List<Call> calls = List.of(
                new Call("GET", "/api/webhooks/stripe", "POST"),
                new Call("GET", "/api/webhooks/creem", "POST"),
                new Call("PUT", "/api/provider/kie/callback/x", "POST"),
                new Call("DELETE", "/api/webhooks/stripe", "POST"));
        for (int i = 0; i < 20; i++) {
            Call c = calls.get(i % calls.size());
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + c.path()))
                            .header("Accept", "application/json")
                            .method(c.method(), HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String what = c.method() + " " + c.path() + ": " + r.body();
            assertThat(r.statusCode()).as(what).isEqualTo(405);
            assertThat(r.headers().firstValue("Content-Type"))
                    .as(what)
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(r.headers().firstValue("Allow")).as(what).hasValue(c.allow());
            assertThat(r.body())
                    .as(what)
                    .contains("/problems/method-not-allowed")
                    .contains("\"status\":405")
                    .contains(c.method())
                    .contains(c.allow());
        }
        assertThat(lines.list.stream()
                        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                        .filter(e -> e.getThreadName().startsWith("http-")) // the requests' (not background work)
                        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                        .toList())
                .as("nothing an outsider's wrong method writes at WARN")
                .isEmpty();
    }
}
