package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.ApiToken;
import dev.renderbank.identity.ApiTokens;
import dev.renderbank.identity.UserAdministration;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.TestUsers.TestUser;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Event streams of job status (issue 9, item 18): a comment every heartbeat (200 ms here, ~15 s by
 * default) so a client that went away is noticed and its stream dropped; at most
 * {@code renderbank.events.max-per-user} open streams per user (3 here, 20 by default); no stream
 * outlives its job. Streams are read over a plain socket, so "the client went away" is a real close.
 */
class JobEventStreamsTest extends StubbedKieTest {

    @Autowired
    MeterRegistry meters;

    @Autowired
    UserAdministration administration;

    @Autowired
    ApiTokens apiTokens;

    private final List<Stream> opened = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        opened.forEach(Stream::close);
        // so the next test starts with none open: the server notices at its next heartbeats
        await().atMost(Duration.ofSeconds(10)).until(() -> openStreams() == 0);
    }

    @Test
    void aQuietStreamGetsAHeartbeatComment() throws IOException {
        TestUser u = users.create(100);
        String id = accept(u, "quiet stream");
        Stream s = open(u, id);
        assertThat(s.status).isEqualTo(200);
        assertThat(s.headers.get("content-type")).startsWith("text/event-stream");
        // the job's current status first, then only heartbeats: nothing drives the job here
        assertThat(s.readUntil(line -> line.startsWith("data:"))).contains("\"status\":\"queued\"");
        assertThat(s.readUntil(line -> line.startsWith(":"))).isNotNull();
        assertThat(s.readUntil(line -> line.startsWith(":"))).isNotNull();
    }

    @Test
    void aUserMayKeepAtMostTheCapOfStreamsOpen() throws IOException {
        TestUser u = users.create(100);
        String id = accept(u, "capped streams");
        for (int i = 0; i < 3; i++) {
            assertThat(open(u, id).status).isEqualTo(200);
        }
        Stream refused = open(u, id);
        assertThat(refused.status).isEqualTo(429);
        assertThat(refused.headers.get("retry-after")).isNotBlank();
        assertThat(refused.headers.get("content-type")).startsWith("application/problem+json");

        TestUser other = users.create(100);
        assertThat(open(other, accept(other, "someone else's stream")).status).isEqualTo(200);
    }

    @Test
    void streamsWhoseClientsWentAwayAreDroppedAndStopReReading() throws IOException {
        double before = openStreams(); // 0: each test ends with none open
        TestUser u = users.create(100);
        String id = accept(u, "abandoned streams");
        List<Stream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            streams.add(open(u, id));
        }
        assertThat(openStreams()).isEqualTo(before + 3);

        streams.forEach(Stream::close);

        // the job is still live and nothing changes, yet the next heartbeats find the clients gone
        await().atMost(Duration.ofSeconds(10)).until(() -> openStreams() == before);
        assertThat(open(u, id).status).isEqualTo(200);
    }

    @Test
    void aStreamEndsWithItsJob() throws IOException {
        double before = openStreams(); // 0: each test ends with none open
        TestUser u = users.create(100);
        String id = accept(u, "ending stream");
        Stream s = open(u, id);
        assertThat(s.readUntil(line -> line.startsWith("data:"))).contains("\"status\":\"queued\"");

        assertThat(api.post("/api/v1/generations/" + id + "/cancel", u.token(), "")
                        .status())
                .isEqualTo(200);

        assertThat(s.readUntil(line -> line.startsWith("data:"))).contains("\"status\":\"failed\"");
        assertThat(s.readToEnd()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == before);

        // a stream asked for a job that already ended sends its last state and ends at once
        Stream late = open(u, id);
        assertThat(late.readUntil(line -> line.startsWith("data:"))).contains("\"status\":\"failed\"");
        assertThat(late.readToEnd()).isTrue();
    }

    /**
     * A stream is the user's data for as long as its caller is signed in, no longer: signed out in
     * the browser that opened it, the stream ends (it used to send the job's status, heartbeats and
     * all, until the job ended).
     */
    @Test
    void aBrowserStreamEndsWhenItsSessionIsSignedOut() throws Exception {
        double before = openStreams(); // 0: each test ends with none open
        TestUser u = users.create(100);
        String id = accept(u, "signed-out stream");
        BrowserSession browser = BrowserSession.signIn(port, u.email(), "correct horse battery staple");
        HttpResponse<InputStream> r = browser.sendStreaming(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/generations/" + id + "/events"))
                        .header("Accept", "text/event-stream")
                        .GET());
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> {
            try {
                String line = in.readLine();
                while (line != null && !line.startsWith("data:")) {
                    line = in.readLine();
                }
                assertThat(line).contains("\"status\":\"queued\"");
                while (in.readLine() != null) {
                    // heartbeats until the stream ends
                }
                return true;
            } catch (IOException e) {
                return true; // ended
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == before + 1);

        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"")
                .matcher(browser.get("/account").body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> logout =
                browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/logout"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8))));
        assertThat(logout.headers().firstValue("Location").orElse("")).contains("/login?logout");

        assertThat(ended.get(5, TimeUnit.SECONDS))
                .as("the signed-out stream ended")
                .isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == before);
    }

    /** The same for an account suspended (or deleted) while its stream is open, by token here. */
    @Test
    void aStreamEndsWhenItsAccountIsSuspended() throws IOException {
        double before = openStreams(); // 0: each test ends with none open
        TestUser u = users.create(100);
        String id = accept(u, "suspended stream");
        Stream s = open(u, id);
        assertThat(s.readUntil(line -> line.startsWith("data:"))).contains("\"status\":\"queued\"");

        assertThat(administration.suspend(u.id())).isTrue();

        assertThat(s.endsWithin(Duration.ofSeconds(5)))
                .as("the suspended account's stream ended")
                .isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == before);
    }

    /**
     * A stream opened with an API token ends once that token is revoked (DELETE /api/v1/tokens/{id}
     * calls the same revoke), while the account itself stays active. Coverage of the rule: it held
     * before this test was written.
     */
    @Test
    void aTokenStreamEndsWhenItsTokenIsRevoked() throws IOException {
        double before = openStreams(); // 0: each test ends with none open
        TestUser u = users.create(100);
        String id = accept(u, "revoked token stream");
        Stream s = open(u, id);
        assertThat(s.readUntil(line -> line.startsWith("data:"))).contains("\"status\":\"queued\"");
        assertThat(s.endsWithin(Duration.ofMillis(600)))
                .as("heartbeats while the token is live")
                .isFalse();

        List<ApiToken> tokens = apiTokens.list(u.id());
        assertThat(tokens).hasSize(1);
        assertThat(apiTokens.revoke(u.id(), tokens.get(0).id())).isTrue();

        assertThat(s.endsWithin(Duration.ofSeconds(5)))
                .as("the revoked token's stream ended")
                .isTrue();
        assertThat(administration.active(u.id()))
                .as("the account itself is untouched")
                .isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == before);
    }

    /**
     * A browser stream ends once the password is changed in another browser session (which ends every
     * other session of the account). Coverage of the rule: it held before this test was written.
     */
    @Test
    void aBrowserStreamEndsWhenThePasswordIsChangedInAnotherSession() throws Exception {
        double before = openStreams(); // 0: each test ends with none open
        TestUser u = users.create(100);
        String id = accept(u, "password changed elsewhere");
        BrowserSession watching = BrowserSession.signIn(port, u.email(), "correct horse battery staple");
        BrowserSession elsewhere = BrowserSession.signIn(port, u.email(), "correct horse battery staple");
        HttpResponse<InputStream> r = watching.sendStreaming(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/generations/" + id + "/events"))
                        .header("Accept", "text/event-stream")
                        .GET());
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        AtomicReference<String> firstStatus = new AtomicReference<>();
        CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> {
            try {
                String line = in.readLine();
                while (line != null && !line.startsWith("data:")) {
                    line = in.readLine();
                }
                firstStatus.set(line);
                while (in.readLine() != null) {
                    // heartbeats until the stream ends
                }
                return true;
            } catch (IOException e) {
                return true; // ended
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == before + 1);
        assertThat(ended).as("open while signed in").isNotDone();

        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"")
                .matcher(elsewhere.get("/account/password").body());
        assertThat(csrf.find()).isTrue();
        HttpResponse<String> changed = elsewhere.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/account/password"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf="
                        + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
                        + "&current=" + URLEncoder.encode("correct horse battery staple", StandardCharsets.UTF_8)
                        + "&password=" + URLEncoder.encode("a brand new passphrase 42", StandardCharsets.UTF_8))));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(changed.body()).contains("Your password is changed");

        assertThat(ended.get(5, TimeUnit.SECONDS))
                .as("the stream of the other session ended")
                .isTrue();
        assertThat(firstStatus.get()).contains("\"status\":\"queued\"");
        await().atMost(Duration.ofSeconds(5)).until(() -> openStreams() == before);
    }

    private double openStreams() {
        Gauge gauge = meters.find("renderbank.events.open").gauge();
        assertThat(gauge).as("gauge renderbank.events.open").isNotNull();
        return gauge.value();
    }

    private Stream open(TestUser u, String jobId) throws IOException {
        Stream s = new Stream(port, "/api/v1/generations/" + jobId + "/events", u.token());
        opened.add(s);
        return s;
    }

    /** One HTTP/1.1 request on its own socket; the server closes it when the stream ends. */
    static final class Stream {

        final Socket socket;
        final BufferedReader in;
        final int status;
        final Map<String, String> headers = new LinkedHashMap<>();

        Stream(int port, String path, String token) throws IOException {
            socket = new Socket("localhost", port);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                            + "\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String statusLine = in.readLine();
            status = Integer.parseInt(statusLine.split(" ")[1]);
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(),
                        line.substring(colon + 1).trim());
            }
        }

        /** The first line matching, or a failure when the stream ends or stays silent for 5 s. */
        String readUntil(java.util.function.Predicate<String> wanted) throws IOException {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (wanted.test(line)) {
                    return line;
                }
            }
            throw new AssertionError("the stream ended before the line looked for");
        }

        /** True when the server ends the response within 5 s. */
        boolean readToEnd() throws IOException {
            while (in.readLine() != null) {
                // drain
            }
            return true;
        }

        /** True when the server ends the response within {@code limit}, heartbeats or not. */
        boolean endsWithin(Duration limit) throws IOException {
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline) {
                if (in.readLine() == null) {
                    return true;
                }
            }
            return false;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }
}
