package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.Api;
import dev.renderbank.support.SharedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * A polite stop (SIGTERM, the context closed) with event streams open. With graceful shutdown the web
 * server waits for every request under way, and a stream is one until its job's deadline: one open
 * stream made every stop wait the whole shutdown phase (30 s), then abort the drain and cut the client
 * (a rolling deploy on Kubernetes became a kill). The streams now end cleanly before the web server
 * drains (the client reconnects elsewhere with Last-Event-ID, or polls), and a stream asked for while
 * the node stops is refused with 503 and Retry-After.
 */
class StreamsAtStopTest {

    @Test
    void aStopEndsOpenStreamsCleanlyAndDoesNotWaitForThem() throws Exception {
        Node node = Node.start();
        CompletableFuture<String> stream = node.openStream();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(node.context::close);

        // a stop without streams takes a few seconds here; an open stream made it wait 30 s
        closed.get(10, TimeUnit.SECONDS);
        assertThat(stream.get(1, TimeUnit.SECONDS))
                .as("the client read the job's status and then a clean end of the response")
                .contains("\"status\":\"queued\"");
    }

    @Test
    void aStreamAskedForWhileTheNodeStopsIsRefusedWithRetryAfter() throws Exception {
        Node node = Node.start();
        try {
            CompletableFuture<String> stream = node.openStream();
            SmartLifecycle streams = node.context.getBean("jobStreams", SmartLifecycle.class);
            assertThat(streams.getPhase())
                    .as("stopped before the web server's graceful shutdown")
                    .isGreaterThan(SmartLifecycle.DEFAULT_PHASE - 1024);

            streams.stop();

            assertThat(stream.get(5, TimeUnit.SECONDS)).contains("\"status\":\"queued\"");
            HttpResponse<String> refused = node.client.send(node.eventsRequest(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.body()).contains("shutting-down");
        } finally {
            node.context.close();
        }
    }

    /** The application on a port of its own, with one user and one video job that stays queued. */
    private record Node(
            ConfigurableApplicationContext context, int port, String token, String taskId, HttpClient client) {

        static Node start() throws IOException {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            ConfigurableApplicationContext context = new SpringApplicationBuilder(RenderbankApplication.class)
                    .profiles("test")
                    .run(
                            "--spring.datasource.url=" + SharedPostgres.newDatabase(),
                            "--spring.datasource.username=postgres",
                            "--spring.datasource.password=postgres",
                            "--server.port=" + port,
                            "--renderbank.public-url=http://localhost:" + port,
                            "--renderbank.data-dir=" + Files.createTempDirectory("renderbank-streams-stop"),
                            "--renderbank.demo.enabled=false",
                            "--renderbank.limits.cooldown.video=0",
                            // the job is never submitted: it stays queued while the stream is open
                            "--db-scheduler.immediate-execution-enabled=false",
                            "--db-scheduler.polling-interval=1h");
            Users users = context.getBean(Users.class);
            UserAccount u = users.create("streams-stop@test.local", "correct horse battery staple", Role.USER, true);
            context.getBean(Ledger.class).grant(u.id(), 100, GrantSource.ADMIN, "streams-stop-grant", null, "test");
            String token = users.issueToken(u.id(), "test");
            Api.Response r = new Api(port)
                    .post("/api/v1/generate-video", token, "{\"model\":\"sora-2\",\"prompt\":\"stopping node\"}");
            assertThat(r.status()).isEqualTo(202);
            return new Node(context, port, token, r.json().get("taskId").asString(), HttpClient.newHttpClient());
        }

        HttpRequest eventsRequest() {
            return HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/api/v1/generations/" + taskId + "/events"))
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "text/event-stream")
                    .GET()
                    .build();
        }

        /**
         * Opens the stream, waits for its first status; the future completes with all that was read
         * once the response ends cleanly, and fails when it is cut (a chunked response without its
         * last chunk).
         */
        CompletableFuture<String> openStream() throws Exception {
            HttpResponse<java.io.InputStream> r =
                    client.send(eventsRequest(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
            StringBuilder read = new StringBuilder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                read.append(line).append('\n');
                if (line.startsWith("data:")) {
                    break;
                }
            }
            assertThat(read.toString()).contains("\"status\":\"queued\"");
            return CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        read.append(line).append('\n');
                    }
                    return read.toString();
                } catch (IOException e) {
                    throw new UncheckedIOException("the stream was cut: " + read, e);
                }
            });
        }
    }
}
