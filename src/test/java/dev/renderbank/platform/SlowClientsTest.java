package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Slow clients (slowloris: headers or a body sent a byte at a time, then nothing) are cut off by the
 * product's default {@code server.tomcat.connection-timeout} of {@value #TIMEOUT_SECONDS} s, counted
 * from the last byte they sent: closed, or answered 408, never left open for Tomcat's own 60 s or for
 * good, and never a 500. Meanwhile everyone else is served: a client stalled in its headers holds no
 * request thread (Tomcat reads headers without one), and the ones stalled in a body hold one each
 * only until the timeout. Raw sockets against the running application, at its real default.
 */
class SlowClientsTest extends IntegrationTest {

    /** {@code server.tomcat.connection-timeout} in application.yml (docs/CONFIGURATION.md). */
    static final long TIMEOUT_SECONDS = 20;

    private static final int STALLED_HEADERS = 100;
    private static final int STALLED_BODIES = 20;

    @LocalServerPort
    int port;

    /** What became of one slow connection: seconds from its last byte sent to the close, and what it was told. */
    record Cut(double secondsAfterLastByte, String statusLine) {}

    @Test
    void slowClientsAreCutOffAtTheConnectionTimeoutWhileOthersAreServed() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(STALLED_HEADERS + STALLED_BODIES + 1);
        try {
            List<Future<Cut>> silent = new ArrayList<>();
            List<Future<Cut>> headers = new ArrayList<>();
            List<Future<Cut>> bodies = new ArrayList<>();
            silent.add(clients.submit(() -> stall("", "")));
            for (int i = 0; i < STALLED_HEADERS; i++) {
                // the request line and part of a header, a byte at a time, then nothing more
                headers.add(
                        clients.submit(() -> stall("", "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Sl")));
            }
            for (int i = 0; i < STALLED_BODIES; i++) {
                // complete headers promising 1,000 bytes (a webhook reads its raw body), then 10 of them
                String head =
                        "POST /api/webhooks/stripe HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                                + "Stripe-Signature: t=1,v1=00\r\nContent-Length: 1000\r\n\r\n";
                bodies.add(clients.submit(() -> stall(head, "{\"id\":\"evt")));
            }

            // while they all hang on, other clients are answered at once, again and again
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            long until =
                    System.nanoTime() + Duration.ofSeconds(TIMEOUT_SECONDS - 3).toNanos();
            int served = 0;
            while (System.nanoTime() < until) {
                long started = System.nanoTime();
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
                served++;
                Thread.sleep(500);
            }
            assertThat(served).isGreaterThan(10);

            for (Future<Cut> f : concat(silent, headers, bodies)) {
                Cut cut = f.get();
                assertThat(cut.secondsAfterLastByte())
                        .as("cut off at the connection timeout after its last byte (%s)", cut)
                        .isBetween(TIMEOUT_SECONDS - 1.0, TIMEOUT_SECONDS + 5.0);
                assertThat(cut.statusLine())
                        .as("closed, or told 408; never a 500")
                        .matches("|HTTP/1\\.1 408 .*");
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * Sends {@code head} at once and {@code trickle} a byte every 50 ms, then waits, reading, until the
     * server closes the connection or answers; never longer than the timeout and 10 s.
     */
    private Cut stall(String head, String trickle) throws IOException, InterruptedException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout((int) Duration.ofSeconds(TIMEOUT_SECONDS + 10).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            for (byte b : trickle.getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(50);
            }
            long lastByte = System.nanoTime();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            try {
                for (int c = in.read(); c >= 0 && c != '\r' && c != '\n'; c = in.read()) {
                    answer.append((char) c);
                }
            } catch (SocketTimeoutException e) {
                return new Cut(Double.POSITIVE_INFINITY, "still open");
            } catch (IOException reset) {
                // a reset is a close too
            }
            return new Cut((System.nanoTime() - lastByte) / 1e9, answer.toString());
        }
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<T> l : lists) {
            all.addAll(l);
        }
        return all;
    }
}
