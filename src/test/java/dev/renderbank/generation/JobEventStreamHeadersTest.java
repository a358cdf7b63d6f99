package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A job's event stream tells a buffering reverse proxy (nginx and those that follow its header) not
 * to buffer it: {@code X-Accel-Buffering: no}. Buffered, the events reach the browser only when the
 * proxy's buffer fills or the stream ends, and the progress bar stands still until then.
 */
class JobEventStreamHeadersTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Test
    void theEventStreamAsksProxiesNotToBufferIt() throws Exception {
        TestUsers.TestUser u = users.create(100);
        Api.Response accepted = new Api(port)
                .post("/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"a red kite\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String id = accepted.json().get("taskId").asString();
        HttpResponse<InputStream> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://localhost:" + port + "/api/v1/generations/" + id + "/events"))
                                .header("Authorization", "Bearer " + u.token())
                                .header("Accept", "text/event-stream")
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = r.body()) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Accel-Buffering")).hasValue("no");
        }
    }
}
