package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@code /error} is where the server renders an error that happened elsewhere; it is public so that
 * the error page of any request can be shown. Asked for directly there is no error to show: that is
 * a path like any unknown one (404 problem+json), not a 500 ("status 999") handed to anyone who asks.
 */
class ErrorPathTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    /** Percent-encoded spellings of the path are the same path once decoded (as request mapping sees it). */
    @Test
    void theErrorPathAskedForDirectlyIsNotFoundNotA500() throws Exception {
        for (String path : new String[] {"/error", "/%65rror", "/err%6Fr", "/%65rror/x"}) {
            for (String method : new String[] {"GET", "HEAD", "POST", "DELETE"}) {
                for (String accept : new String[] {"application/json", "text/html"}) {
                    askDirectly(path, method, accept);
                }
            }
        }
    }

    private void askDirectly(String path, String method, String accept) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Accept", accept)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode())
                .as(method + " " + path + " " + accept + ": " + r.body())
                .isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type"))
                .as(method + " " + path + " " + accept)
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    /** An error elsewhere is still rendered through {@code /error}: an unknown API path is a 404 problem. */
    @Test
    void anErrorElsewhereIsStillRendered() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sim/kie/files/x/y"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
    }
}
