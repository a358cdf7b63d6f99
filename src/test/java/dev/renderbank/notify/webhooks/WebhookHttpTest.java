package dev.renderbank.notify.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender's HTTP client: the address policy holds at send time; no redirects; capped excerpts. */
class WebhookHttpTest {

    /** The trickling receiver's pause between two header lines: a fifth of its test's read timeout. */
    static final Duration TRICKLE = Duration.ofMillis(100);

    WireMockServer receiver;

    @BeforeEach
    void start() {
        receiver = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop();
    }

    WebhookHttp client(boolean allowPrivate, WebhookUrlPolicy.Resolver dns) {
        return new WebhookHttp(new WebhookUrlPolicy(allowPrivate, dns), Duration.ofSeconds(10), Duration.ofSeconds(20));
    }

    @Test
    void aLoopbackReceiverIsNeverContactedWithoutAllowPrivateHosts() throws Exception {
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        try (WebhookHttp http = client(false, InetAddress::getAllByName)) {
            for (String host : new String[] {"127.0.0.1", "[::ffff:127.0.0.1]", "localhost"}) {
                assertThatThrownBy(() -> http.post("http://" + host + ":" + receiver.port() + "/hook", Map.of(), "{}"))
                        .isInstanceOf(WebhookUrlPolicy.RefusedAddressException.class);
            }
        }
        receiver.verify(0, anyRequestedFor(anyUrl()));
    }

    /** DNS rebinding: the name resolved public when registered, now resolves to this machine. */
    @Test
    void aNameRebindingToLoopbackIsRefusedWhenSending() throws Exception {
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
        String[] answer = {"93.184.216.34"};
        WebhookUrlPolicy.Resolver dns = host -> new InetAddress[] {InetAddress.getByName(answer[0])};
        assertThat(new WebhookUrlPolicy(false, dns).refusal("https://rebind.example.com/hook"))
                .isEmpty();
        answer[0] = "127.0.0.1";
        try (WebhookHttp http = client(false, dns)) {
            assertThatThrownBy(
                            () -> http.post("http://rebind.example.com:" + receiver.port() + "/hook", Map.of(), "{}"))
                    .isInstanceOf(WebhookUrlPolicy.RefusedAddressException.class);
        }
        receiver.verify(0, anyRequestedFor(anyUrl()));
    }

    /**
     * A delivery resolves its host on a sender thread (a pool of a few): a name whose servers never
     * answer held that thread for the resolver's whole wait, and the attempt's own cut-off (connect +
     * read timeout) cannot end a lookup. The lookup is cut at the policy's timeout, and only so many
     * delivery lookups run at once (one that outlived its attempt included); beyond that an attempt
     * fails at once, to be retried on the delivery's schedule.
     */
    @Test
    void aHostWhoseNameServersNeverAnswerFailsTheAttemptInTimeWithoutHoldingTheSender() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        WebhookUrlPolicy.Resolver deaf = host -> {
            WebhookUrlPolicyTest.awaitDeafly(answer);
            throw new UnknownHostException(host);
        };
        WebhookUrlPolicy policy = new WebhookUrlPolicy(false, deaf, Duration.ofMillis(300), 2);
        try (WebhookHttp http = new WebhookHttp(policy, Duration.ofSeconds(10), Duration.ofSeconds(20))) {
            assertTimeoutPreemptively(Duration.ofSeconds(8), () -> {
                for (String host : new String[] {"a.silent.example", "b.silent.example"}) {
                    assertThatThrownBy(() -> http.post("https://" + host + "/hook", Map.of(), "{}"))
                            .isInstanceOf(UnknownHostException.class)
                            .hasMessageContaining("did not answer within 300 ms");
                }
                // both lookups still under way: the next attempt fails without waiting
                assertThatThrownBy(() -> http.post("https://c.silent.example/hook", Map.of(), "{}"))
                        .isInstanceOf(UnknownHostException.class)
                        .hasMessageContaining("too many host lookups");
            });
        } finally {
            answer.countDown();
        }
    }

    /** An attempt answered in time leaves nothing behind: its request and body are not kept until its deadline. */
    @Test
    void answeredAttemptsLeaveNoCutOffWaiting() throws Exception {
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(204)));
        try (WebhookHttp http = client(true, InetAddress::getAllByName)) {
            for (int i = 0; i < 50; i++) {
                assertThat(http.post("http://127.0.0.1:" + receiver.port() + "/hook", Map.of(), "{\"n\":" + i + "}")
                                .delivered())
                        .isTrue();
            }
            assertThat(http.pendingCutOffs()).isZero();
        }
    }

    @Test
    void redirectsAreNotFollowedAndOnlyAShortExcerptIsKept() throws Exception {
        receiver.stubFor(
                post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(302).withHeader("Location", "/elsewhere")));
        receiver.stubFor(
                post(urlEqualTo("/big")).willReturn(aResponse().withStatus(500).withBody("x".repeat(100_000))));
        try (WebhookHttp http = client(true, InetAddress::getAllByName)) {
            WebhookHttp.Answer redirect =
                    http.post("http://127.0.0.1:" + receiver.port() + "/hook", Map.of("webhook-id", "msg_1"), "{}");
            assertThat(redirect.status()).isEqualTo(302);
            assertThat(redirect.delivered()).isFalse();
            WebhookHttp.Answer big = http.post("http://127.0.0.1:" + receiver.port() + "/big", Map.of(), "{}");
            assertThat(big.status()).isEqualTo(500);
            assertThat(big.excerpt()).hasSize(WebhookHttp.EXCERPT_BYTES);
        }
        receiver.verify(0, postRequestedFor(urlEqualTo("/elsewhere")));
        receiver.verify(1, postRequestedFor(urlEqualTo("/hook")));
    }

    /**
     * One attempt is bounded as a whole, not only per read: a receiver that answers a byte at a time,
     * each well within the read timeout, would otherwise hold the one sender (and every other user's
     * webhooks behind it) for as long as it likes. With a 500 ms connect and 500 ms read timeout the
     * attempt ends within about 1 s, while this receiver trickles its headers (a line every 100 ms,
     * well within the read timeout) for 20 s. The trickle's pauses are real time on purpose: the
     * timeouts under test are.
     */
    @Test
    void aReceiverThatTricklesItsAnswerCannotHoldTheSenderBeyondTheTimeouts() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread trickler = new Thread(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    in.read(new byte[8192]); // the request (small)
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (!stop.get() && System.nanoTime() < end) {
                        out.write("X-Slow: a\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        Thread.sleep(TRICKLE.toMillis());
                    }
                } catch (Exception ignored) {
                    // the client hung up: what this receiver is waiting for
                }
            });
            trickler.setDaemon(true);
            trickler.start();
            Duration connect = Duration.ofMillis(500);
            Duration read = Duration.ofMillis(500);
            try (WebhookHttp http =
                    new WebhookHttp(new WebhookUrlPolicy(true, InetAddress::getAllByName), connect, read)) {
                long started = System.nanoTime();
                assertThatThrownBy(
                                () -> http.post("http://127.0.0.1:" + server.getLocalPort() + "/hook", Map.of(), "{}"))
                        .isInstanceOf(java.io.IOException.class);
                // twice the attempt's bound, as before (4 s for 1 s + 1 s)
                assertThat(Duration.ofNanos(System.nanoTime() - started))
                        .isLessThan(connect.plus(read).multipliedBy(2));
            } finally {
                stop.set(true);
                trickler.join(5_000);
            }
        }
    }
}
